# Reference fixtures for psyscore's item-level analysis (options.items): every
# statement of a questionnaire by group, on the raw answers (before reverse-keying).
#
# Run from this folder:   Rscript make_fixtures.R
# Base R + stats only.  Deterministic (set.seed).  Writes <case>.csv (the answers, one
# row per respondent: id, years, 1..6; an empty cell is a missing answer) and
# <case>.json (what R computes from them) next to this script.  See README.md.
# Never run in CI: the CSV and JSON files are the fixtures.
#
# The instrument is psyscore's bundled `balint-attitudes`: six statements answered
# 1..5 (agreement), statements 4-6 reverse-keyed for the subscale score.  Item-level
# statistics use the raw answers, so the keys do not enter here.
#
# Per item and group (compare): n, mean, sd, median, q1, q3 (quantile type 7, as the
# subscale-level compare), the count of each scale point and of missing answers;
# per item: kruskal.test across the groups, wilcox.test for every pair (R's defaults,
# exact or normal as R decides; and exact = FALSE as a second reference), Holm across
# that item's pairs, rank_biserial = 1 - 2W/(n_a n_b); with two groups t.test (Welch).
# Per item over every respondent (reliability): n, mean, sd, median, counts and miss.
# Every number is written with 17 significant digits; NA / NaN / Inf are written as null.

R_VERSION <- R.version.string
set.seed(20241204)

ITEMS <- as.character(1:6)
SCALE <- 1:5

# ---------------------------------------------------------------------------
# Tiny JSON writer (the same as tests/data/change/make_fixtures.R)
# ---------------------------------------------------------------------------
# arr(x): force an atomic vector to be written as a JSON array even if length 1.
arr <- function(x) structure(x, class = c("json_array", class(x)))

json_string <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\r", "\\r", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  paste0("\"", s, "\"")
}

json_scalar <- function(v) {
  if (is.null(v) || length(v) == 0) return("null")
  if (is.logical(v)) return(if (is.na(v)) "null" else if (v) "true" else "false")
  if (is.numeric(v)) {
    if (!is.finite(v)) return("null")        # NA, NaN, Inf, -Inf
    return(sprintf("%.17g", as.double(v)))
  }
  if (is.character(v) || is.factor(v)) {
    v <- as.character(v)
    return(if (is.na(v)) "null" else json_string(v))
  }
  stop("json_scalar: unsupported type ", class(v)[1])
}

to_json <- function(x, indent = 0) {
  pad  <- strrep("  ", indent)
  pad1 <- strrep("  ", indent + 1)
  if (is.null(x)) return("null")
  if (is.matrix(x)) {                         # rows as arrays
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
# Helpers
# ---------------------------------------------------------------------------
# Evaluate expr, collecting warnings (prefixed by `what`) and an error message, if any.
capture <- function(expr, what) {
  warns <- character(0)
  err <- NULL
  value <- withCallingHandlers(
    tryCatch(expr, error = function(e) { err <<- conditionMessage(e); NULL }),
    warning = function(w) {
      warns <<- c(warns, paste0(what, ": ", conditionMessage(w)))
      invokeRestart("muffleWarning")
    })
  list(value = value, warnings = warns, error = err)
}


# ---------------------------------------------------------------------------
# Item-level statistics
# ---------------------------------------------------------------------------
distribution <- function(x) {
  counts <- as.list(as.numeric(table(factor(x[!is.na(x)], levels = SCALE))))
  names(counts) <- as.character(SCALE)
  counts$miss <- sum(is.na(x))
  counts
}

describe <- function(x) {
  answered <- x[!is.na(x)]
  q <- if (length(answered) > 0) quantile(answered, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
       else c(NA, NA, NA)
  list(n = length(answered), mean = if (length(answered) > 0) mean(answered) else NA,
       sd = sd(answered), median = if (length(answered) > 0) median(answered) else NA,
       q1 = q[1], q3 = q[3], distribution = distribution(x))
}

compare_item <- function(item, x, g, gn) {
  warnings <- character(0)
  groups <- lapply(gn, function(name) x[g == name])
  names(groups) <- gn
  desc <- lapply(gn, function(name) c(list(name = name), describe(groups[[name]])))
  answered <- lapply(groups, function(v) v[!is.na(v)])
  out <- list(id = item, groups = desc, kruskal_wallis = NULL, mann_whitney = list(),
              mann_whitney_normal = list())
  if (any(lengths(answered) == 0)) {
    out$note <- "a group has no answer to this item: psyscore gives null tests (R cannot test)"
    if (length(gn) == 2) out$welch_t <- NULL
    out$warnings <- arr(warnings)
    return(out)
  }
  all_x <- unlist(answered, use.names = FALSE)
  f <- factor(rep(gn, lengths(answered)), levels = gn)
  N <- length(all_x)
  kw <- capture(kruskal.test(all_x, f), "kruskal_wallis")
  warnings <- c(warnings, kw$warnings)
  H <- unname(kw$value$statistic)
  out$kruskal_wallis <- list(h = H, df = unname(kw$value$parameter), p = kw$value$p.value,
                             epsilon_squared = H / ((N^2 - 1) / (N + 1)))
  pv <- numeric(0)
  for (a in seq_along(gn)) for (b in seq_along(gn)) if (a < b) {
    xa <- answered[[a]]; xb <- answered[[b]]
    tag <- paste0("item ", item, " mann_whitney ", gn[a], " vs ", gn[b])
    mw <- capture(wilcox.test(xa, xb), tag)
    warnings <- c(warnings, mw$warnings)
    W <- unname(mw$value$statistic)
    out$mann_whitney[[length(out$mann_whitney) + 1]] <- list(
      a = gn[a], b = gn[b], n_a = length(xa), n_b = length(xb), w = W, p = mw$value$p.value,
      p_holm = NA, rank_biserial = 1 - 2 * W / (length(xa) * length(xb)),
      method = if (grepl("exact", mw$value$method)) "exact" else "normal",
      r_method = mw$value$method)
    pv <- c(pv, mw$value$p.value)
    mn <- capture(wilcox.test(xa, xb, exact = FALSE, correct = TRUE), paste0(tag, " (normal)"))
    warnings <- c(warnings, mn$warnings)
    out$mann_whitney_normal[[length(out$mann_whitney_normal) + 1]] <- list(
      a = gn[a], b = gn[b], w = unname(mn$value$statistic), p = mn$value$p.value)
  }
  ph <- p.adjust(pv, "holm")
  for (k in seq_along(ph)) out$mann_whitney[[k]]$p_holm <- ph[k]
  if (length(gn) == 2) {
    wt <- capture(t.test(answered[[1]], answered[[2]]), paste0("item ", item, " welch_t"))
    warnings <- c(warnings, wt$warnings)
    out$welch_t <- if (is.null(wt$error)) {
      list(t = unname(wt$value$statistic), df = unname(wt$value$parameter), p = wt$value$p.value,
           ci_lower = wt$value$conf.int[1], ci_upper = wt$value$conf.int[2],
           mean_difference = unname(wt$value$estimate[1] - wt$value$estimate[2]))
    } else {
      list(error = wt$error)
    }
  }
  out$warnings <- arr(warnings)
  out
}

reliability_item <- function(item, x) {
  d <- describe(x)
  list(id = item, n = d$n, mean = d$mean, sd = d$sd, median = d$median,
       distribution = d$distribution)
}

# answers: a data frame with columns id, years, "1".."6" (NA = missing).
write_case <- function(case, description, answers, gn) {
  csv <- answers
  for (item in ITEMS) csv[[item]] <- ifelse(is.na(csv[[item]]), "", as.character(csv[[item]]))
  write.csv(csv, paste0(case, ".csv"), row.names = FALSE, quote = FALSE)
  cat("wrote", paste0(case, ".csv"), "\n")
  g <- answers$years
  obj <- list(case = case, r_version = R_VERSION, description = description,
              instrument = "balint-attitudes", data = paste0(case, ".csv"),
              group_column = "years", group_order = arr(gn),
              group_sizes = as.list(setNames(as.numeric(table(factor(g, levels = gn))), gn)),
              compare_items = lapply(ITEMS, function(item) compare_item(item, answers[[item]], g, gn)),
              reliability_items = lapply(ITEMS, function(item) reliability_item(item, answers[[item]])))
  write_json(obj, paste0(case, ".json"))
  invisible(obj)
}

# Draw n answers 1..5 with the given weights (not normalised).
draw <- function(n, weights) sample(SCALE, n, replace = TRUE, prob = weights)

# Answers of one duration group: `positive` and `negative` are weights over 1..5 for
# statements 1-3 and 4-6; `shift` moves statements 1 and 3 up (weights moved toward 5).
make_group <- function(label, n, positive, negative, overrides = list()) {
  df <- data.frame(id = character(n), years = rep(label, n), stringsAsFactors = FALSE)
  for (item in ITEMS) {
    weights <- if (item %in% c("1", "2", "3")) positive else negative
    if (!is.null(overrides[[item]])) weights <- overrides[[item]]
    df[[item]] <- draw(n, weights)
  }
  df
}

blank <- function(df, rate) {
  for (item in ITEMS) df[[item]][runif(nrow(df)) < rate] <- NA
  df
}

number <- function(df, prefix) {
  df$id <- sprintf("%s%03d", prefix, seq_len(nrow(df)))
  df
}

# --- survey: the published survey's shape -----------------------------------
# Three groups by years of Balint group participation, 41 / 38 / 42 respondents;
# agreement with the positive statements rises with the years, boredom falls; every
# answer to statement 6 in `5_plus` is 1 ("strongly disagree"); about 3 % of the
# answers are missing (some respondents miss two statements and get no subscale score,
# while their other answers still count item by item).
{
  positive <- c(0.06, 0.07, 0.14, 0.33, 0.40)
  negative <- c(0.68, 0.20, 0.07, 0.04, 0.01)
  a <- make_group("under_1", 41, positive, negative,
                  list("1" = c(0.12, 0.12, 0.20, 0.30, 0.26), "5" = c(0.50, 0.30, 0.12, 0.06, 0.02)))
  b <- make_group("1_to_4", 38, positive, negative)
  c5 <- make_group("5_plus", 42, positive, negative,
                   list("1" = c(0.02, 0.04, 0.10, 0.34, 0.50), "3" = c(0.02, 0.04, 0.10, 0.30, 0.54),
                        "5" = c(0.80, 0.15, 0.05, 0, 0)))
  c5[["6"]] <- 1
  survey <- number(blank(rbind(a, b, c5), 0.03), "s")
  write_case("survey",
    paste("Shaped like the Balint survey (Kannai et al. 2024): six statements 1..5, groups",
          "under_1 (41), 1_to_4 (38), 5_plus (42) by years of participation; ~3 % missing",
          "answers; statement 6 answered 1 by everyone in 5_plus who answered it. Ties",
          "everywhere, so every Mann-Whitney p is R's normal approximation with tie and",
          "continuity correction."),
    survey, c("under_1", "1_to_4", "5_plus"))
}

# --- small_group: a group of 5, and a statement nobody disagrees on ---------------
# Groups of 40, 40 and 5. Statement 4 is answered 1 by every respondent (one missing):
# Kruskal-Wallis H is 0/0 (R: NaN, psyscore null) and every Mann-Whitney p NaN (null).
{
  positive <- c(0.05, 0.08, 0.15, 0.32, 0.40)
  negative <- c(0.65, 0.22, 0.08, 0.04, 0.01)
  a <- make_group("under_1", 40, positive, negative)
  b <- make_group("1_to_4", 40, positive, negative, list("2" = c(0.02, 0.05, 0.10, 0.33, 0.50)))
  c5 <- make_group("5_plus", 5, positive, negative)
  small <- rbind(a, b, c5)
  small[["4"]] <- 1
  small <- number(blank(small, 0.02), "m")
  small[["4"]][7] <- NA
  write_case("small_group",
    paste("Groups of 40, 40 and 5 (the smallest group cannot reach small Holm p values);",
          "statement 4 answered 1 by everyone: H and every Mann-Whitney p are NaN (null)."),
    small, c("under_1", "1_to_4", "5_plus"))
}

# --- exact: two small groups, one statement without ties ---------------------------
# Groups of 5 and 4 (Welch's t applies). Statement 1 is answered by only 2 + 3
# respondents with five different answers: no ties, so R's p is exact. Statement 2 has
# no answer in `control`: no test for it. Statement 6 is constant within each group
# (1s and 2s): Welch's t is undefined (R: "data are essentially constant").
{
  exact <- data.frame(
    id = c("e1", "e2", "e3", "e4", "e5", "c1", "c2", "c3", "c4"),
    years = c(rep("balint", 5), rep("control", 4)),
    stringsAsFactors = FALSE)
  exact[["1"]] <- c(1, 4, NA, NA, NA, 2, 3, 5, NA)
  exact[["2"]] <- c(5, 4, 4, 3, 5, NA, NA, NA, NA)
  exact[["3"]] <- c(4, 5, 4, 3, 4, 2, 3, 3, 4)
  exact[["4"]] <- c(1, 2, 1, 1, 2, 3, 2, 4, 2)
  exact[["5"]] <- c(1, 1, 2, 1, 1, 2, 3, 2, 2)
  exact[["6"]] <- c(1, 1, 1, 1, 1, 2, 2, 2, 2)
  write_case("exact",
    paste("Two groups, balint (5) and control (4). Statement 1: 2 vs 3 answers, all",
          "different, so an exact p (W = 2, p = 0.8); statement 2: no answer in control,",
          "no test; statement 6: constant within each group, Welch undefined; the other",
          "statements are tied: normal approximation. Respondent c4 misses two",
          "statements (no subscale score) but counts item by item."),
    exact, c("balint", "control"))
}
