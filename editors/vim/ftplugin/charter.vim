" Vim filetype plugin for Charter: comments, 2-space indentation.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal commentstring=#\ %s
setlocal comments=:#
setlocal formatoptions-=t formatoptions+=croql
setlocal expandtab shiftwidth=2 softtabstop=2 tabstop=8
setlocal autoindent
setlocal iskeyword=@,48-57,_,192-255
setlocal suffixesadd=.charter

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< expandtab<'
      \ . ' shiftwidth< softtabstop< tabstop< autoindent<'
      \ . ' iskeyword< suffixesadd<'
