" Vim compiler file for Charter: ':compiler charter' then ':make' runs
" 'charter check' on the current file and reads its GCC-style diagnostics:
"   FILE:LINE:COL: error: MESSAGE [rule]
"   FILE:LINE:COL: warning: ... / info: ... / note: ...
"   charter: note: ...   (a note with no place; kept as text)
" The source line, the caret line and the summary ("1 error, 0 warnings")
" are ignored.
if exists('current_compiler')
  finish
endif
let current_compiler = 'charter'

if exists(':CompilerSet') != 2
  command -nargs=* CompilerSet setlocal <args>
endif

let s:cpo_save = &cpo
set cpo&vim

CompilerSet makeprg=charter\ check\ --color\ never\ %
CompilerSet errorformat=
      \%f:%l:%c:\ %trror:\ %m,
      \%f:%l:%c:\ %tarning:\ %m,
      \%f:%l:%c:\ %tnfo:\ %m,
      \%f:%l:%c:\ %tote:\ %m,
      \%+Gcharter:\ %m,
      \%-G%.%#

let &cpo = s:cpo_save
unlet s:cpo_save
