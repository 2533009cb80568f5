" Vim filetype detection for Charter (*.charter).
autocmd BufNewFile,BufRead *.charter setfiletype charter
