# Writes pretty.json: base::pretty() of R 4.2 for the tick positions that
# scoring/encode/svg_plot.cpp reproduces. Run from this folder:
#   Rscript make_fixtures.R
# Needs only base R; the JSON is written by hand to avoid a package.
cases <- list(
  list(lo = 0, hi = 54, n = 5),
  list(lo = 0, hi = 30, n = 5),
  list(lo = 0, hi = 48, n = 5),
  list(lo = 0, hi = 1, n = 5),
  list(lo = 0.62, hi = 0.93, n = 5),
  list(lo = -10.07, hi = 3.2, n = 5),
  list(lo = 12.5, hi = 12.5, n = 5),
  list(lo = 0, hi = 0, n = 5),
  list(lo = 1e-5, hi = 3e-5, n = 5),
  list(lo = 1234, hi = 98765, n = 5),
  list(lo = -3, hi = -2.99, n = 5),
  list(lo = 0, hi = 100, n = 4),
  list(lo = -100, hi = 100, n = 8),
  list(lo = 1, hi = 5, n = 4),
  list(lo = 0, hi = 27, n = 6),
  list(lo = 3.7, hi = 41.2, n = 10),
  list(lo = 0.001, hi = 1000, n = 5),
  list(lo = -0.5, hi = 0.5, n = 3),
  list(lo = 0, hi = 10000, n = 5),
  list(lo = 2.5, hi = 2.5000001, n = 5)
)
num <- function(x) trimws(formatC(x, digits = 17, format = "g"))
lines <- vapply(cases, function(k) {
  ticks <- pretty(c(k$lo, k$hi), n = k$n)
  sprintf('{"lo": %s, "hi": %s, "n": %d, "ticks": [%s]}', num(k$lo), num(k$hi), k$n,
          paste(num(ticks), collapse = ", "))
}, character(1))
writeLines(c(sprintf('{"r_version": "%s", "cases": [', R.version.string),
             paste0("  ", lines, c(rep(",", length(lines) - 1), "")), "]}"), "pretty.json")
