# The whole file the tutorial shows after `charter fmt -w` is exactly what
# fmt -w wrote; the later steps use it.
cmp reads.charter reads.shown.charter
