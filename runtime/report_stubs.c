/* TEMPORARY: until the chart and translation branches land. */
#include <stdio.h>
#include <string.h>
#include "chart.h"
#include "model.h"
const ChartInk chart_inks[] = {{"text", "#1a1a1a", true}};
const int chart_ninks = 1;
void chart_turn_curve(Buf *out, const TurnCurve *c) {
  buf_printf(out, "<figure><svg viewBox=\"0 0 720 300\" role=\"img\" aria-labelledby=\"%s-t\"><title id=\"%s-t\">chart</title></svg></figure>\n", c->id, c->id);
}
void chart_equity(Buf *out, const EquityChart *c) {
  buf_printf(out, "<figure><svg viewBox=\"0 0 720 300\" role=\"img\" aria-labelledby=\"%s-t\"><title id=\"%s-t\">chart</title></svg></figure>\n", c->id, c->id);
}
