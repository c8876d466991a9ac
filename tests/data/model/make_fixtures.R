# Reference values for psyscore's logistic regression (scoring/stats/logistic_regression)
# and contingency tests (scoring/stats/contingency), from R 4.2.2's own glm(family =
# binomial), summary.glm, confint.default, MASS 7.3's confint (profile likelihood),
# chisq.test and fisher.test.
# Run from the repository root:  Rscript tests/data/model/make_fixtures.R
# Writes tests/data/model/<case>.json and tests/data/model/tables.json. CI never runs R.
# Numbers are written with 17 significant digits; NA as null.

suppressPackageStartupMessages(library(MASS))
out_dir <- "tests/data/model"

num1 <- function(x) if (length(x) == 0 || is.na(x) || !is.finite(x)) "null" else sprintf("%.17g", x)
num <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.na(x) | !is.finite(x), "null", sprintf("%.17g", x))
  paste0("[", paste(s, collapse = ","), "]")
}
str <- function(x) {
  if (length(x) == 0) return("[]")
  s <- ifelse(is.na(x), "null", paste0("\"", x, "\""))
  paste0("[", paste(s, collapse = ","), "]")
}
mat <- function(m) paste0("[", paste(apply(m, 1, num), collapse = ","), "]")
obj <- function(...) {
  fields <- list(...)
  paste0("{", paste0("\"", names(fields), "\":", unlist(fields), collapse = ","), "}")
}
bool <- function(x) if (isTRUE(x)) "true" else "false"

# chisq.test and fisher.test of one table, as R reports them.
table_tests <- function(tab) {
  chi <- suppressWarnings(chisq.test(tab))
  fis <- fisher.test(tab, workspace = 2e8)
  obj(table = mat(unclass(tab)),
      chi_squared = num1(unname(chi$statistic)), df = num1(unname(chi$parameter)),
      p = num1(chi$p.value), correct = bool(nrow(tab) == 2 && ncol(tab) == 2),
      fisher_p = num1(fis$p.value), min_expected = num1(min(chi$expected)))
}

# One logistic-regression case. `data` holds the outcome (0/1, NA allowed) and the
# predictors; `categorical` names the factor predictors (for the association tables).
write_case <- function(name, data, formula, categorical = character(), note = "",
                       separation = FALSE, separated_terms = character(), ci_level = 0.95) {
  fit <- suppressWarnings(glm(formula, family = binomial, data = data))
  mf <- model.frame(fit)
  x <- model.matrix(fit)
  y <- model.response(mf)
  s <- summary(fit)
  terms <- names(coef(fit))
  est <- coef(fit)
  se <- z <- p <- rep(NA_real_, length(terms))
  names(se) <- names(z) <- names(p) <- terms
  cf <- s$coefficients
  se[rownames(cf)] <- cf[, 2]
  z[rownames(cf)] <- cf[, 3]
  p[rownames(cf)] <- cf[, 4]
  wald <- confint.default(fit, level = ci_level)
  prof <- tryCatch(suppressMessages(suppressWarnings(confint(fit, level = ci_level))),
                   error = function(e) matrix(NA_real_, length(terms), 2))
  if (is.null(dim(prof))) prof <- matrix(prof, nrow = 1)
  null_fit <- glm(update(formula, . ~ 1), family = binomial, data = mf)
  lr <- fit$null.deviance - fit$deviance
  lr_df <- fit$df.null - fit$df.residual
  n <- nrow(x)
  cox_snell <- 1 - exp((fit$deviance - fit$null.deviance) / n)
  nagelkerke <- cox_snell / (1 - exp(-fit$null.deviance / n))
  assoc <- sapply(categorical, function(v) {
    keep <- !is.na(data[[v]]) & !is.na(data$outcome)
    lv <- levels(factor(data[[v]][keep]))
    tab <- table(factor(data[[v]][keep], levels = lv), factor(data$outcome[keep], levels = c(0, 1)))
    paste0("{\"covariate\":\"", v, "\",\"levels\":", str(lv), ",", substring(table_tests(tab), 2))
  })
  raw <- paste0("{", paste0("\"", names(data), "\":",
                            sapply(names(data), function(v) {
                              if (is.numeric(data[[v]])) num(data[[v]]) else str(as.character(data[[v]]))
                            }), collapse = ","), "}")
  json <- obj(
    note = paste0("\"", note, "\""),
    formula = paste0("\"", deparse1(formula), "\""),
    ci_level = num1(ci_level),
    data = raw,
    terms = str(terms),
    x = mat(unname(x)),
    y = num(unname(y)),
    coefficients = num(unname(est)),
    se = num(unname(se)), z = num(unname(z)), p = num(unname(p)),
    wald_lower = num(unname(wald[, 1])), wald_upper = num(unname(wald[, 2])),
    profile_lower = num(unname(prof[, 1])), profile_upper = num(unname(prof[, 2])),
    deviance = num1(fit$deviance), null_deviance = num1(fit$null.deviance),
    df_residual = num1(fit$df.residual), df_null = num1(fit$df.null),
    aic = num1(fit$aic), rank = num1(fit$rank),
    lr_chi_squared = num1(lr), lr_df = num1(lr_df),
    lr_p = num1(pchisq(lr, lr_df, lower.tail = FALSE)),
    null_model_deviance = num1(null_fit$deviance),
    nagelkerke_r2 = num1(nagelkerke),
    iterations = num1(fit$iter), converged = bool(fit$converged),
    separation = bool(separation), separated_terms = str(separated_terms),
    associations = paste0("[", paste(assoc, collapse = ","), "]"))
  writeLines(json, file.path(out_dir, paste0(name, ".json")))
}

yesno <- function(n, p) sample(c("no", "yes"), n, replace = TRUE, prob = c(1 - p, p))

# A survey shaped like the largest published Balint survey: 142 respondents, years of
# participation in three bands, four yes/no factors, age; outcome = high well-being.
set.seed(20261204)
n <- 142
survey <- data.frame(
  duration = factor(sample(c("lt1", "1to4", "5plus"), n, replace = TRUE, prob = c(0.3, 0.4, 0.3)),
                    levels = c("lt1", "1to4", "5plus")),
  obligation = yesno(n, 0.35), teaching = yesno(n, 0.5), management = yesno(n, 0.3),
  prevention = yesno(n, 0.6), age = round(rnorm(n, 48, 9)))
eta <- -1.6 + 0.5 * (survey$duration == "1to4") + 1.9 * (survey$duration == "5plus") -
  0.7 * (survey$obligation == "yes") + 0.4 * (survey$teaching == "yes") +
  0.3 * (survey$management == "yes") + 0.6 * (survey$prevention == "yes") + 0.01 * (survey$age - 48)
survey$outcome <- rbinom(n, 1, plogis(eta))
survey <- survey[, c("outcome", "duration", "obligation", "teaching", "management", "prevention", "age")]
write_case("survey", survey,
           outcome ~ duration + obligation + teaching + management + prevention + age,
           c("duration", "obligation", "teaching", "management", "prevention"),
           note = "142 respondents, a 3-level factor, four yes/no factors and age")
write_case("survey_90", survey, outcome ~ duration + teaching + age, c("duration", "teaching"),
           note = "the survey with a 90% level", ci_level = 0.90)

# The same with missing covariates: glm drops incomplete rows; the tables use every
# respondent with that covariate.
holes <- survey
holes$age[c(3, 17, 40, 41, 99)] <- NA
holes$teaching[c(8, 17, 120)] <- NA
holes$duration[c(5, 66)] <- NA
holes$outcome[c(12)] <- NA
write_case("missing_covariates", holes, outcome ~ duration + teaching + age, c("duration", "teaching"),
           note = "NA in age, teaching, duration and the outcome")

# A 2 x 2 with small counts: 3 of 8 events against 7 of 9.
small <- data.frame(outcome = c(rep(1, 3), rep(0, 5), rep(1, 7), rep(0, 2)),
                    group = factor(c(rep("a", 8), rep("b", 9))))
write_case("small_2x2", small, outcome ~ group, "group", note = "3/8 against 7/9: Yates and Fisher")

# A numeric predictor only.
set.seed(7)
numeric_only <- data.frame(age = round(rnorm(60, 45, 10)))
numeric_only$outcome <- rbinom(60, 1, plogis(-4 + 0.08 * numeric_only$age))
numeric_only <- numeric_only[, c("outcome", "age")]
write_case("numeric_only", numeric_only, outcome ~ age, note = "outcome ~ age")

# Quasi-complete separation: every respondent of 5 years or more has the event; the
# others are mixed. glm "converges" with a huge duration5plus; its profile is undefined.
set.seed(11)
quasi <- data.frame(duration = factor(rep(c("lt1", "1to4", "5plus"), c(20, 20, 12)),
                                      levels = c("lt1", "1to4", "5plus")),
                    age = round(rnorm(52, 47, 8)))
quasi$outcome <- c(rbinom(20, 1, 0.3), rbinom(20, 1, 0.5), rep(1, 12))
quasi <- quasi[, c("outcome", "duration", "age")]
write_case("quasi_separated", quasi, outcome ~ duration + age, "duration",
           note = "all of 5plus have the event", separation = TRUE, separated_terms = "duration5plus")

# Complete separation: the event exactly when age > 50.
set.seed(13)
complete <- data.frame(age = round(runif(30, 30, 70)))
complete$age[complete$age == 50] <- 49
complete$teaching <- yesno(30, 0.5)
complete$outcome <- as.numeric(complete$age > 50)
complete <- complete[, c("outcome", "age", "teaching")]
write_case("separated", complete, outcome ~ age + teaching, "teaching",
           note = "the event exactly when age > 50", separation = TRUE,
           separated_terms = c("(Intercept)", "age", "teachingyes"))

# Contingency tables alone (chisq.test, fisher.test): 2 x 2 up to r x c.
tables <- list(
  small_2x2 = matrix(c(3, 7, 5, 2), 2),
  zero_cell = matrix(c(0, 6, 9, 4), 2),
  large_2x2 = matrix(c(412, 380, 1208, 1003), 2),
  three_by_two = matrix(c(12, 20, 9, 30, 25, 46), 3),
  five_by_two = matrix(c(3, 8, 12, 5, 1, 9, 7, 4, 10, 2), 5),
  four_by_two_large = matrix(c(150, 160, 170, 130, 220, 190, 260, 210), 4),
  three_by_three = matrix(c(4, 2, 7, 3, 9, 1, 6, 5, 2), 3),
  two_by_four = matrix(c(5, 2, 3, 8, 1, 6, 7, 4), 2),
  sparse_4x3 = matrix(c(1, 0, 3, 2, 0, 4, 1, 1, 2, 2, 0, 5), 4))
entries <- sapply(names(tables), function(k) paste0("{\"name\":\"", k, "\",", substring(table_tests(tables[[k]]), 2)))
writeLines(paste0("[", paste(entries, collapse = ",\n"), "]"), file.path(out_dir, "tables.json"))
cat("wrote", length(list.files(out_dir, "json$")), "fixtures to", out_dir, "\n")
