# Reference values for psyscore's least-squares fit (scoring/stats/least_squares),
# from R's own lm.fit / lm.wfit (QR by LINPACK dqrdc2, tol 1e-7).
# Run from the repository root:  Rscript tests/data/least_squares/make_fixtures.R
# Writes tests/data/least_squares/<case>.json. CI never runs R; it reads the JSON.
# Numbers are written with 17 significant digits; NA (aliased) as null.

out_dir <- "tests/data/least_squares"

num <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
  paste0("[", paste(s, collapse = ","), "]")
}
mat <- function(m) paste0("[", paste(apply(m, 1, num), collapse = ","), "]")

write_case <- function(name, x, y, w = NULL, note = "") {
  fit <- if (is.null(w)) lm.fit(x, y) else lm.wfit(x, y, w)
  p <- ncol(x)
  rank <- fit$rank
  piv <- fit$qr$pivot
  kept <- piv[seq_len(rank)]
  cov <- matrix(NA_real_, p, p)
  if (rank > 0) {
    inv <- chol2inv(fit$qr$qr[seq_len(rank), seq_len(rank), drop = FALSE])
    cov[kept, kept] <- inv
  }
  coef <- unname(fit$coefficients)
  beta0 <- ifelse(is.na(coef), 0, coef)
  fitted <- drop(x %*% beta0)
  resid <- y - fitted
  ww <- if (is.null(w)) rep(1, length(y)) else w
  aliased <- sort(setdiff(seq_len(p), kept)) - 1
  json <- paste0(
    "{\"note\":\"", note, "\",",
    "\"x\":", mat(x), ",",
    "\"y\":", num(y), ",",
    "\"weights\":", if (is.null(w)) "[]" else num(w), ",",
    "\"coefficients\":", num(coef), ",",
    "\"unscaled_covariance\":", mat(cov), ",",
    "\"fitted\":", num(fitted), ",",
    "\"residuals\":", num(resid), ",",
    "\"rank\":", rank, ",",
    "\"aliased\":", if (length(aliased)) paste0("[", paste(aliased, collapse = ","), "]") else "[]", ",",
    "\"weighted_rss\":", sprintf("%.17g", sum(ww * resid^2)), ",",
    "\"df_residual\":", fit$df.residual, "}")
  writeLines(json, file.path(out_dir, paste0(name, ".json")))
}

set.seed(20261204)
n <- 25
x1 <- round(rnorm(n, 20, 6))
x2 <- round(runif(n, 0, 10), 1)
g <- factor(sample(c("a", "b", "c"), n, replace = TRUE))
y <- round(3 + 0.7 * x1 - 1.2 * x2 + rnorm(n, 0, 3), 1)

write_case("simple", cbind(1, x1), y, note = "intercept and one slope")
write_case("two_predictors_factor", model.matrix(~ x1 + x2 + g), y, note = "lm(y ~ x1 + x2 + g)")
# x3 = 2 x1 - x2: collinear with earlier columns, R gives NA for it.
write_case("collinear_middle", cbind(1, x1, 2 * x1 - x2, x2), y,
           note = "third column = 2 x1 - x2 comes before x2: x2 is the one aliased")
write_case("collinear_last", cbind(1, x1, x2, 2 * x1 - x2), y, note = "last column = 2 x1 - x2, aliased")
write_case("zero_column", cbind(1, 0, x1), y, note = "an all-zero column is aliased")
write_case("duplicate_intercept", cbind(1, x1, 1), y, note = "a second intercept column is aliased")
w <- round(runif(n, 0.2, 3), 2)
write_case("weighted", model.matrix(~ x1 + g), y, w, note = "lm(y ~ x1 + g, weights = w)")
w0 <- w
w0[c(3, 7, 19)] <- 0
write_case("weighted_zero_weights", model.matrix(~ x1 + x2), y, w0,
           note = "three rows of weight 0: out of the fit and of df, but fitted")
write_case("wide", cbind(1, x1[1:4], x2[1:4], x1[1:4]^2, x2[1:4]^2, x1[1:4] * x2[1:4]), y[1:4],
           note = "more columns than rows: at most n kept")
write_case("perfect_fit", cbind(1, x1[1:6]), 2 + 3 * x1[1:6], note = "residuals 0")
eps <- 1e-9
write_case("near_collinear", cbind(1, x1, x1 + eps * x2), y,
           note = "third column differs from x1 by 1e-9 x2: below tol 1e-7, aliased")
write_case("barely_independent", cbind(1, x1, x1 + 1e-4 * x2), y,
           note = "third column differs from x1 by 1e-4 x2: kept")
cat("wrote", length(list.files(out_dir, "json$")), "fixtures to", out_dir, "\n")
