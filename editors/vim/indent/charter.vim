" Vim indent file for Charter: 2 spaces (shiftwidth) per open brace,
" bracket or parenthesis.
if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal autoindent nosmartindent nocindent
setlocal indentexpr=CharterIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O,e

let b:undo_indent = 'setlocal autoindent< smartindent< cindent< indentexpr< indentkeys<'

if exists('*CharterIndent')
  finish
endif

" The line without its comment and strings, to count brackets.
function! s:Code(lnum) abort
  let line = getline(a:lnum)
  let line = substitute(line, '"\%(\\.\|[^"\\]\)*"', '""', 'g')
  return substitute(line, '#.*$', '', '')
endfunction

function! CharterIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  " Inside a text block, keep the text as it is.
  if synIDattr(synID(a:lnum, 1, 1), 'name') ==# 'charterTextBlock'
    return -1
  endif
  let code = s:Code(prev)
  let opened = len(substitute(code, '[^{([]', '', 'g'))
  let closed = len(substitute(matchstr(code, '^\s*[})\]]*\zs.*'), '[^})\]]', '', 'g'))
  let ind = indent(prev) + shiftwidth() * (opened - closed > 0 ? 1 : 0)
  if getline(a:lnum) =~# '^\s*[})\]]'
    let ind -= shiftwidth()
  endif
  return max([ind, 0])
endfunction
