# docs/render.md, "How big a view may be": a program whose logic model is
# above the layout budget, 2,500 outcomes leading to one goal.
awk 'BEGIN {
  print "charter \"Recovery at Work\" { vision \"Everyone in recovery who wants work has it\" }"
  print "goal employed \"Residents in recovery are employed\" {}"
  for (i = 1; i <= 2500; i++)
    printf "outcome step_%d \"Step %d\" { horizon short; leads_to employed }\n", i, i
}' >coalition.charter
