# Reference fixtures for psyscore's waves analysis (more than two waves) and for
# the hlm reliable-change method.
#
# Run from this folder:   Rscript make_fixtures.R
# R 4.2.2 with lme4 1.1-31, lmerTest 3.1-3 and emmeans 1.8.4 (Debian's r-cran-lme4,
# r-cran-lmertest, r-cran-emmeans).  Deterministic (set.seed).  Writes waves_*.json
# and hlm_*.json next to this script; README.md says what each field is.  Never run
# in CI: the JSON files are the fixtures.
#
# Every number is written with 17 significant digits; NA / NaN / Inf as null.
#
# Mixed models are fitted twice: with lme4's defaults (nloptwrap BOBYQA, absolute
# tolerances 1e-8 on theta and on the deviance) and at the REML optimum itself.
# BOBYQA sees only values of the REML criterion, and where the criterion is flat
# their rounding hides theta's digits beyond about 1e-6 even with the tightest
# tolerances; so theta is polished with Newton steps on numDeriv's gradient and
# Hessian of lme4's own criterion (devFunOnly = TRUE), and the model is then
# built at that theta (an "optimizer" that returns its start), so that summary(),
# anova(), emmeans() and ranef() all describe the optimum.  For the record,
# "default_fit_max_relative" says how far lme4's default stop is from it.

suppressPackageStartupMessages({
  library(lme4)
  library(lmerTest)
  library(emmeans)
})

# ---------------------------------------------------------------------------
# Tiny JSON writer (as in tests/data/change/make_fixtures.R)
# ---------------------------------------------------------------------------
arr <- function(x) structure(x, class = c("json_array", class(x)))

json_string <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  paste0("\"", s, "\"")
}

json_scalar <- function(v) {
  if (is.null(v) || length(v) == 0) return("null")
  if (is.logical(v)) return(if (is.na(v)) "null" else if (v) "true" else "false")
  if (is.numeric(v)) {
    if (!is.finite(v)) return("null")
    return(sprintf("%.17g", as.double(v)))
  }
  if (is.character(v) || is.factor(v)) {
    v <- as.character(v)
    return(if (is.na(v)) "null" else json_string(v))
  }
  stop("json_scalar: unsupported type ", class(v)[1])
}

to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent)
  pad1 <- strrep("  ", indent + 1)
  if (is.null(x)) return("null")
  if (is.matrix(x)) {
    rows <- vapply(seq_len(nrow(x)), function(i) {
      paste0("[", paste(vapply(x[i, ], json_scalar, ""), collapse = ", "), "]")
    }, "")
    return(paste0("[\n", paste0(pad1, rows, collapse = ",\n"), "\n", pad, "]"))
  }
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    inner <- vapply(seq_along(x), function(i) to_json(x[[i]], indent + 1), "")
    if (!is.null(names(x))) {
      inner <- paste0(json_string(names(x)), ": ", inner)
      return(paste0("{\n", paste0(pad1, inner, collapse = ",\n"), "\n", pad, "}"))
    }
    return(paste0("[\n", paste0(pad1, inner, collapse = ",\n"), "\n", pad, "]"))
  }
  if (inherits(x, "json_array") || length(x) != 1) {
    x <- unclass(x)
    return(paste0("[", paste(vapply(seq_along(x), function(i) json_scalar(x[i]), ""),
                             collapse = ", "), "]"))
  }
  json_scalar(unname(unclass(x)))
}

write_json <- function(obj, file) {
  writeLines(to_json(obj), file, useBytes = TRUE)
  cat("wrote", file, "\n")
}

# ---------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------
tight <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 0, ftol_rel = 0,
                                    maxeval = 1e5),
                     check.conv.singular = "ignore")
quiet <- function(expr) suppressWarnings(suppressMessages(expr))

# Newton steps on lme4's REML criterion from the tight fit's theta; a parameter
# at its bound 0 whose gradient points outwards stays there.
polish_theta <- function(formula, data, start_fit) {
  devfun <- quiet(lme4::lmer(formula, data = data, REML = TRUE, devFunOnly = TRUE))
  th <- unname(getME(start_fit, "theta"))
  lower <- getME(start_fit, "lower")
  for (i in 1:8) {
    g <- numDeriv::grad(devfun, th)
    h <- numDeriv::hessian(devfun, th)
    free <- !(lower == 0 & th <= 0 & g >= 0)
    if (!any(free)) break
    step <- tryCatch(solve(h[free, free, drop = FALSE], g[free]), error = function(e) NULL)
    if (is.null(step)) break
    cand <- th
    cand[free] <- pmax(th[free] - step, lower[free])
    if (devfun(cand) > devfun(th) + 1e-12 * abs(devfun(th))) break
    moved <- max(abs(cand - th))
    th <- cand
    if (moved < 1e-14) break
  }
  th
}

# An "optimizer" that stays at its start: builds the model at a given theta.
stay <- function(fn, par, lower, upper, control, ...) {
  list(par = par, fval = fn(par), conv = 0, message = "theta given")
}

fit_at_optimum <- function(formula, data, fitter) {
  rough <- quiet(fitter(formula, data = data, REML = TRUE, control = tight))
  theta <- polish_theta(formula, data, rough)
  fit <- quiet(fitter(formula, data = data, REML = TRUE, start = list(theta = theta),
                      control = lmerControl(optimizer = stay, calc.derivs = FALSE,
                                            check.conv.singular = "ignore")))
  stopifnot(isTRUE(all.equal(unname(getME(fit, "theta")), theta, tolerance = 0)))
  fit
}

# long data frame from a wide matrix (rows = respondents, columns = waves, NA = missing)
to_long <- function(ids, waves, scores) {
  d <- data.frame(id = rep(ids, times = length(waves)),
                  wave = factor(rep(waves, each = length(ids)), levels = waves),
                  time = rep(seq_along(waves), each = length(ids)),
                  score = as.vector(scores))
  d <- d[order(match(d$id, ids), d$time), ]
  d[!is.na(d$score), ]
}

max_relative <- function(a, b) {
  ok <- is.finite(a) & is.finite(b) & b != 0
  if (!any(ok)) return(0)
  max(abs(a[ok] - b[ok]) / abs(b[ok]))
}

mixed_model_part <- function(long, waves, ci_level) {
  fit <- fit_at_optimum(score ~ wave + (1 | id), long, lmerTest::lmer)
  default_fit <- quiet(lmerTest::lmer(score ~ wave + (1 | id), data = long, REML = TRUE))
  co <- summary(fit)$coefficients
  co_default <- summary(default_fit)$coefficients
  fixed <- lapply(seq_len(nrow(co)), function(i) list(
    term = rownames(co)[i], estimate = co[i, "Estimate"], se = co[i, "Std. Error"],
    df = co[i, "df"], t = co[i, "t value"], p = co[i, "Pr(>|t|)"]))
  av <- anova(fit, type = 3, ddf = "Satterthwaite")
  wave_test <- list(f = av["wave", "F value"], num_df = av["wave", "NumDF"],
                    den_df = av["wave", "DenDF"], p = av["wave", "Pr(>F)"])
  # the type III contrast lmerTest used for wave, to pin the F test's basis
  l3 <- lmerTest:::get_contrasts_type3(fit)$wave
  em <- summary(emmeans(fit, ~wave, lmer.df = "satterthwaite", level = ci_level))
  wave_means <- lapply(seq_len(nrow(em)), function(i) list(
    wave = as.character(em$wave[i]), estimate = em$emmean[i], se = em$SE[i], df = em$df[i],
    lower = em$lower.CL[i], upper = em$upper.CL[i]))
  vc <- as.data.frame(VarCorr(fit))
  respondent_var <- vc$vcov[vc$grp == "id"]
  residual_var <- vc$vcov[vc$grp == "Residual"]
  list(
    formula = "score ~ wave + (1 | id)", reml = TRUE,
    n_obs = nrow(long), n_respondents = length(unique(long$id)),
    theta = arr(unname(getME(fit, "theta"))),
    log_likelihood = as.numeric(logLik(fit)),
    reml_criterion = as.numeric(REMLcrit(fit)),
    singular = isSingular(fit),
    fixed = fixed,
    random = list(respondent_sd = sqrt(respondent_var), residual_sd = sqrt(residual_var),
                  respondent_variance = respondent_var, residual_variance = residual_var,
                  icc = respondent_var / (respondent_var + residual_var)),
    vcov_beta = unname(as.matrix(vcov(fit))),
    wave_test = wave_test,
    wave_test_contrast = unname(l3),
    wave_means = wave_means,
    ci_level = ci_level,
    default_fit_theta = arr(unname(getME(default_fit, "theta"))),
    default_fit_max_relative = max_relative(
      c(co_default[, "Std. Error"], co_default[, "df"]), c(co[, "Std. Error"], co[, "df"])))
}

friedman_part <- function(scores) {
  complete <- scores[stats::complete.cases(scores), , drop = FALSE]
  n <- nrow(complete)
  k <- ncol(complete)
  if (n < 2) return(NULL)
  ft <- friedman.test(complete)
  statistic <- unname(ft$statistic)
  list(statistic = statistic, df = unname(ft$parameter), p = ft$p.value, n = n,
       kendall_w = statistic / (n * (k - 1)))
}

pairwise_part <- function(waves, scores) {
  out <- list()
  p <- c()
  for (i in seq_along(waves)) for (j in seq_along(waves)) if (i < j) {
    ok <- !is.na(scores[, i]) & !is.na(scores[, j])
    a <- scores[ok, i]
    b <- scores[ok, j]
    d <- b - a
    res <- quiet(tryCatch(wilcox.test(b, a, paired = TRUE), error = function(e) NULL))
    nonzero <- sum(d != 0)
    exact <- nonzero < 50 && nonzero == length(d) && !any(duplicated(abs(d[d != 0])))
    v <- if (is.null(res)) NA else unname(res$statistic)
    pv <- if (is.null(res)) NA else res$p.value
    out[[length(out) + 1]] <- list(a = waves[i], b = waves[j], n = sum(ok), v = v, p = pv,
                                   method = if (exact) "exact" else "normal")
    p <- c(p, pv)
  }
  holm <- p.adjust(p, "holm")
  for (i in seq_along(out)) out[[i]]$p_holm <- holm[i]
  out
}

descriptives_part <- function(waves, scores) {
  lapply(seq_along(waves), function(j) {
    x <- scores[!is.na(scores[, j]), j]
    list(name = waves[j], n = length(x), mean = mean(x), sd = if (length(x) > 1) sd(x) else NA,
         median = median(x))
  })
}

waves_case <- function(case, description, ids, waves, scores, ci_level = 0.95) {
  stopifnot(nrow(scores) == length(ids), ncol(scores) == length(waves))
  long <- to_long(ids, waves, scores)
  obj <- list(
    case = case, description = description, r_version = R.version.string,
    packages = list(lme4 = as.character(packageVersion("lme4")),
                    lmerTest = as.character(packageVersion("lmerTest")),
                    emmeans = as.character(packageVersion("emmeans"))),
    waves = arr(waves), ids = arr(ids), scores = scores,
    descriptives = descriptives_part(waves, scores),
    friedman = friedman_part(scores),
    pairwise_wilcoxon = pairwise_part(waves, scores),
    mixed_model = mixed_model_part(long, waves, ci_level))
  write_json(obj, paste0("waves_", case, ".json"))
}

# lmer(score ~ time + (time | id)): fixed effects, theta, the REML criterion and the
# empirical-Bayes random effects with their conditional SDs (ranef(condVar = TRUE)).
hlm_case <- function(case, description, long, extra = NULL) {
  fit <- fit_at_optimum(score ~ time + (time | id), long, lme4::lmer)
  default_fit <- quiet(lme4::lmer(score ~ time + (time | id), data = long, REML = TRUE))
  re <- as.data.frame(ranef(fit, condVar = TRUE))
  re_default <- as.data.frame(ranef(default_fit, condVar = TRUE))
  ids <- unique(as.character(long$id))
  slope <- re[re$term == "time", ]
  intercept <- re[re$term == "(Intercept)", ]
  slope <- slope[match(ids, as.character(slope$grp)), ]
  intercept <- intercept[match(ids, as.character(intercept$grp)), ]
  vc <- as.data.frame(VarCorr(fit))
  co <- summary(fit)$coefficients
  obj <- list(
    case = case, description = description, r_version = R.version.string,
    lme4 = as.character(packageVersion("lme4")),
    id = arr(as.character(long$id)), time = arr(long$time), score = arr(long$score),
    theta = arr(unname(getME(fit, "theta"))),
    reml_criterion = as.numeric(REMLcrit(fit)),
    log_likelihood = as.numeric(logLik(fit)),
    sigma = sigma(fit),
    singular = isSingular(fit),
    fixed = lapply(seq_len(nrow(co)), function(i) list(
      term = rownames(co)[i], estimate = co[i, "Estimate"], se = co[i, "Std. Error"])),
    variance_components = lapply(seq_len(nrow(vc)), function(i) list(
      grp = vc$grp[i], var1 = vc$var1[i], var2 = vc$var2[i], vcov = vc$vcov[i], sdcor = vc$sdcor[i])),
    ranef = list(id = arr(ids),
                 intercept = arr(intercept$condval), intercept_sd = arr(intercept$condsd),
                 slope = arr(slope$condval), slope_sd = arr(slope$condsd)),
    default_fit_theta = arr(unname(getME(default_fit, "theta"))),
    default_fit_max_relative = max_relative(re_default$condval[re_default$term == "time"],
                                            re$condval[re$term == "time"]))
  write_json(c(obj, extra), paste0("hlm_", case, ".json"))
}

# ---------------------------------------------------------------------------
# Waves data sets
# ---------------------------------------------------------------------------
set.seed(20261204)

person_scores <- function(n, wave_means, person_sd, residual_sd, digits = 0) {
  b <- rnorm(n, 0, person_sd)
  m <- sapply(wave_means, function(mu) round(mu + b + rnorm(n, 0, residual_sd), digits))
  m
}

ids_of <- function(n) sprintf("p%02d", seq_len(n))

# 1. balanced, 3 waves, 20 people
s <- person_scores(20, c(24, 21, 19), 5, 3)
waves_case("balanced3", "20 respondents, every one at all 3 waves, integer sums",
           ids_of(20), c("baseline", "6m", "10m"), s)

# 2. balanced, 4 waves, 15 people, 90 % intervals
s <- person_scores(15, c(30, 27, 26, 25), 6, 4)
waves_case("balanced4", "15 respondents at all 4 waves; 90 % intervals",
           ids_of(15), c("baseline", "3m", "6m", "12m"), s, ci_level = 0.90)

# 3. unbalanced, 4 waves: people missing a middle wave and the last wave
s <- person_scores(30, c(30, 28, 25, 24), 6, 4)
s[c(3, 7, 12, 20), 2] <- NA          # missed the 3-month wave
s[c(5, 9, 20, 25, 28), 4] <- NA      # lost before the last wave
s[c(14), 3] <- NA                    # missed the 6-month wave
waves_case("unbalanced4", "30 respondents, 4 waves; some miss the second or the third wave, some the last",
           ids_of(30), c("baseline", "3m", "6m", "12m"), s)

# 4. unbalanced, 3 waves, mean scores (non-integer)
s <- person_scores(25, c(2.8, 2.6, 2.3), 0.5, 0.35, digits = 2)
s[c(2, 11, 17), 2] <- NA
s[c(4, 11, 22, 23), 3] <- NA
s[c(8), 1] <- NA
waves_case("unbalanced3_means", "25 respondents, 3 waves of mean scores; some missing at each wave",
           ids_of(25), c("baseline", "6m", "10m"), s)

# 5. singular: every person's mean is the same, so the between-person variance is 0
base <- c(10, 14, 19, 12, 17)
perm <- t(sapply(1:12, function(i) sample(base[1:3])))
s <- perm + matrix(c(0, -1, -2), nrow = 12, ncol = 3, byrow = TRUE)
waves_case("singular", "12 respondents whose three scores are permutations of the same values: no between-person variance, a singular fit",
           ids_of(12), c("baseline", "6m", "10m"), s)

# 6. a 6-person Balint group, ties and zero differences
s <- cbind(c(28, 31, 22, 35, 26, 30), c(26, 31, 22, 30, 24, 30), c(24, 29, 23, 30, 22, 27))
waves_case("group6", "one Balint group of 6 at 3 waves; tied and zero differences",
           ids_of(6), c("baseline", "6m", "10m"), s)

# 7. ties and zeros, 16 people, 3 waves (normal approximation in every pair)
s <- cbind(c(20, 22, 18, 25, 30, 21, 19, 24, 26, 23, 20, 28, 27, 22, 18, 25),
           c(18, 22, 17, 23, 27, 21, 18, 24, 23, 21, 19, 25, 26, 20, 18, 22),
           c(17, 20, 17, 22, 25, 19, 18, 22, 23, 21, 17, 25, 24, 20, 16, 21))
waves_case("ties16", "16 respondents, 3 waves, integer sums with many ties and zero differences",
           ids_of(16), c("baseline", "6m", "10m"), s)

# 8. a constant wave (everyone at the floor at the last wave)
s <- person_scores(10, c(8, 5, 0), 2, 2)
s[s < 0] <- 0
s[, 3] <- 0
waves_case("constant_wave", "10 respondents; everyone scores 0 at the last wave",
           ids_of(10), c("baseline", "6m", "10m"), s)

# 9. exact Wilcoxon (no ties, no zeros), 8 people, 3 waves, one missing
s <- cbind(c(30.5, 27.25, 33.0, 24.75, 29.0, 35.5, 26.0, 31.75),
           c(27.0, 26.5, 28.25, 25.0, 24.5, 30.0, 23.75, 30.25),
           c(25.5, 22.0, 29.0, 23.25, 20.0, 24.75, 22.5, NA))
waves_case("exact8", "8 respondents with distinct non-zero differences (exact Wilcoxon); one misses the last wave",
           ids_of(8), c("baseline", "6m", "10m"), s)

# 10. a larger cohort: 120 people, 3 waves, dropout
s <- person_scores(120, c(25, 23.5, 22), 6, 3.5)
s[sample(120, 15), 2] <- NA
s[sample(120, 25), 3] <- NA
waves_case("cohort120", "120 respondents, 3 waves, 15 miss the middle and 25 the last wave",
           sprintf("r%03d", 1:120), c("baseline", "6m", "10m"), s)

# 11. two waves (the smallest design)
s <- person_scores(14, c(20, 17), 4, 3)
s[c(2, 9), 2] <- NA
waves_case("two_waves", "14 respondents, 2 waves, 2 lost at the second", ids_of(14), c("pre", "post"), s)

# ---------------------------------------------------------------------------
# hlm: lmer(score ~ time + (time | id))
# ---------------------------------------------------------------------------
# claus_2020 (R package clinicalsignificance, Claus, Scherbaum & Bonnet 2020):
# the HAM-D at all four measurements, copied to claus_2020_hamd.csv.  The package
# keeps patients with at least 3 measurements (40 of 43) before fitting.
claus <- read.csv("claus_2020_hamd.csv")
claus <- claus[!is.na(claus$hamd), ]
counts <- table(claus$id)
kept <- claus[claus$id %in% names(counts)[counts >= 3], ]
kept <- kept[order(kept$id, kept$time), ]
long <- data.frame(id = as.character(kept$id), time = kept$time, score = kept$hamd)
# the package's categories (cs_distribution, rci_method = "HLM"; cs_combined with
# cutoff type "c", m_functional = 8, sd_functional = 8); lower HAM-D is better
fit <- fit_at_optimum(score ~ time + (time | id), long, lme4::lmer)
re <- as.data.frame(ranef(fit, condVar = TRUE))
sl <- re[re$term == "time", ]
ids <- unique(long$id)
sl <- sl[match(ids, as.character(sl$grp)), ]
rci <- sl$condval / sl$condsd
direction <- -1
critical <- qnorm(0.975)
improved <- direction * rci > critical
deteriorated <- direction * rci < -critical
pre <- sapply(ids, function(i) long$score[long$id == i][1])
post <- sapply(ids, function(i) tail(long$score[long$id == i], 1))
m_pre <- mean(pre)
sd_pre <- sd(pre)
cutoff_c <- (sd_pre * 8 + 8 * m_pre) / (sd_pre + 8)
clinical_pre <- direction * pre < direction * cutoff_c
functional_post <- direction * post > direction * cutoff_c
recovered <- clinical_pre & functional_post & improved
harmed <- !clinical_pre & !functional_post & deteriorated
hlm_case("claus_2020_hamd",
         "clinicalsignificance's claus_2020 data, HAM-D at measurements 1-4, patients with >= 3 measurements",
         long,
         extra = list(
           categories = list(
             criterion = critical, direction = direction,
             distribution = list(improved = sum(improved), unchanged = sum(!improved & !deteriorated),
                                 deteriorated = sum(deteriorated)),
             combined = list(cutoff_type = "c", m_functional = 8, sd_functional = 8,
                             m_pre = m_pre, sd_pre = sd_pre, cutoff = cutoff_c,
                             recovered = sum(recovered), improved = sum(improved & !recovered),
                             unchanged = sum(!improved & !deteriorated),
                             deteriorated = sum(deteriorated & !harmed), harmed = sum(harmed)),
             published = list(distribution = list(improved = 11, unchanged = 20, deteriorated = 9),
                              combined = list(recovered = 10, improved = 1, unchanged = 20,
                                              deteriorated = 9, harmed = 0)))))

# a simulated cohort: 4 waves, random slopes, dropout
set.seed(7)
n <- 40
b0 <- rnorm(n, 0, 5)
b1 <- 0.3 * b0 / 5 + rnorm(n, 0, 1.2)
long <- do.call(rbind, lapply(seq_len(n), function(i) {
  t <- 1:4
  y <- round(26 + b0[i] + (-1.5 + b1[i]) * t + rnorm(4, 0, 2.5))
  d <- data.frame(id = sprintf("s%02d", i), time = t, score = y)
  if (i %% 7 == 0) d <- d[-4, ]
  if (i %% 11 == 0) d <- d[-2, ]
  d
}))
hlm_case("simulated40", "40 respondents, 4 waves, random intercepts and slopes, some missing waves", long)

# 3 waves, 25 respondents
set.seed(11)
n <- 25
b0 <- rnorm(n, 0, 4)
b1 <- rnorm(n, 0, 1.5)
long <- do.call(rbind, lapply(seq_len(n), function(i) {
  t <- 1:3
  data.frame(id = sprintf("q%02d", i), time = t, score = round(20 + b0[i] + (-1 + b1[i]) * t + rnorm(3, 0, 1.5), 1))
}))
hlm_case("three_waves25", "25 respondents at 3 waves, scores to one decimal", long)
