# Reference fixtures for psyscore's change (pre/post) and compare (groups) statistics.
#
# Run from this folder:   Rscript make_fixtures.R
# Base R + stats only.  Deterministic (set.seed).  Writes paired_*.json, bands_*.json,
# compare_*.json and holm.json next to this script.  See README.md for what each field
# is and which R call produced it.  Never run in CI: the JSON files are the fixtures.
#
# Conventions: difference = post - pre (psyscore's sign convention), so
# t.test(post, pre, paired = TRUE) and wilcox.test(post, pre, paired = TRUE).
# Every number is written with 17 significant digits; NA / NaN / Inf are written as null.

R_VERSION <- R.version.string

# ---------------------------------------------------------------------------
# Tiny JSON writer
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

hedges_j <- function(df) exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))

# ---------------------------------------------------------------------------
# Paired cases
# ---------------------------------------------------------------------------
paired_case <- function(case, description, pre, post, higher_is_better = FALSE,
                        reliability = 0.9, criterion = 1.96, extra = NULL) {
  stopifnot(length(pre) == length(post), !anyNA(pre), !anyNA(post))
  n <- length(pre)
  d <- post - pre
  warnings <- character(0)
  errors <- list()

  # paired t, 95 % and 90 %
  tt <- capture(t.test(post, pre, paired = TRUE, conf.level = 0.95), "paired_t")
  warnings <- c(warnings, tt$warnings)
  paired_t <- NULL
  if (!is.null(tt$error)) {
    errors$paired_t <- tt$error
  } else {
    r <- tt$value
    paired_t <- list(t = unname(r$statistic), df = unname(r$parameter), p = r$p.value,
                     ci_lower = r$conf.int[1], ci_upper = r$conf.int[2],
                     mean_difference = unname(r$estimate))
  }
  tt90 <- capture(t.test(post, pre, paired = TRUE, conf.level = 0.90), "paired_t_90")
  warnings <- c(warnings, tt90$warnings)
  paired_t_90 <- NULL
  if (!is.null(tt90$error)) {
    errors$paired_t_90 <- tt90$error
  } else {
    paired_t_90 <- list(ci_lower = tt90$value$conf.int[1], ci_upper = tt90$value$conf.int[2])
  }

  # Wilcoxon signed rank, R defaults
  wx <- capture(wilcox.test(post, pre, paired = TRUE), "wilcoxon")
  warnings <- c(warnings, wx$warnings)
  wilcoxon <- NULL
  if (!is.null(wx$error)) {
    errors$wilcoxon <- wx$error
  } else {
    wilcoxon <- list(v = unname(wx$value$statistic), p = wx$value$p.value,
                     method = if (grepl("exact", wx$value$method)) "exact" else "normal",
                     r_method = wx$value$method)
  }
  # Wilcoxon, forced normal approximation with continuity correction
  wn <- capture(wilcox.test(post, pre, paired = TRUE, exact = FALSE, correct = TRUE),
                "wilcoxon_normal")
  warnings <- c(warnings, wn$warnings)
  wilcoxon_normal <- NULL
  if (!is.null(wn$error)) {
    errors$wilcoxon_normal <- wn$error
  } else {
    wilcoxon_normal <- list(v = unname(wn$value$statistic), p = wn$value$p.value)
  }

  # descriptives
  r_pp <- capture(cor(pre, post), "cor")
  warnings <- c(warnings, r_pp$warnings)
  r_pre_post <- if (is.null(r_pp$value)) NA_real_ else r_pp$value
  descriptives <- list(n = n, pre_mean = mean(pre), pre_sd = sd(pre),
                       post_mean = mean(post), post_sd = sd(post),
                       diff_mean = mean(d), diff_sd = sd(d), r_pre_post = r_pre_post)

  # effect sizes (docs/statistics.md formulas)
  d_z  <- mean(d) / sd(d)
  d_av <- mean(d) / sqrt((var(pre) + var(post)) / 2)
  d_rm <- mean(d) * sqrt(2 * (1 - r_pre_post)) / sd(d)
  j    <- hedges_j(n - 1)
  effect_sizes <- list(d_z = d_z, d_av = d_av, d_rm = d_rm,
                       g_z = j * d_z, g_av = j * d_av, j = j)

  # Jacobson-Truax reliable change
  sd_pre <- sd(pre)
  s_diff <- sqrt(2) * sd_pre * sqrt(1 - reliability)
  rci <- d / s_diff
  better <- if (higher_is_better) rci > criterion else rci < -criterion
  worse  <- if (higher_is_better) rci < -criterion else rci > criterion
  category <- ifelse(better, "improved", ifelse(worse, "deteriorated", "unchanged"))
  rci_obj <- list(reliability = reliability, sd_pre = sd_pre, s_diff = s_diff,
                  rci = arr(rci), criterion = criterion, category = arr(category),
                  counts = list(improved = sum(category == "improved"),
                                unchanged = sum(category == "unchanged"),
                                deteriorated = sum(category == "deteriorated")))

  obj <- list(case = case, r_version = R_VERSION, description = description,
              n = n, pre = arr(pre), post = arr(post), difference = arr(d),
              higher_is_better = higher_is_better,
              paired_t = paired_t, paired_t_90 = paired_t_90,
              wilcoxon = wilcoxon, wilcoxon_normal = wilcoxon_normal,
              descriptives = descriptives, effect_sizes = effect_sizes, rci = rci_obj)
  if (length(errors)) obj$errors <- errors
  if (!is.null(extra)) obj <- c(obj, extra)
  obj$warnings <- arr(warnings)
  write_json(obj, paste0("paired_", case, ".json"))
  invisible(obj)
}

set.seed(20240611)

# 1. docs/statistics.md worked example
paired_case("stats_example",
  paste("docs/statistics.md worked example (MBI EE-like sums). docs/statistics.md uses t.test(pre, post);",
        "here post - pre, so t, mean difference and CI have the opposite sign; V = 11",
        "here (= n(n+1)/2 - 67) with the same exact p 0.02685546875."),
  pre  = c(24, 31, 18, 27, 35, 22, 29, 26, 33, 20, 28, 25),
  post = c(17, 25, 16, 18, 27, 21, 24, 23, 23, 16, 16, 36),
  higher_is_better = FALSE, reliability = 0.9)

# Cross-check against the numbers printed in docs/statistics.md (which uses pre - post).
local({
  pre  <- c(24, 31, 18, 27, 35, 22, 29, 26, 33, 20, 28, 25)
  post <- c(17, 25, 16, 18, 27, 21, 24, 23, 23, 16, 16, 36)
  tt <- t.test(post, pre, paired = TRUE)
  wx <- wilcox.test(post, pre, paired = TRUE)
  wn <- wilcox.test(post, pre, paired = TRUE, exact = FALSE)
  d <- post - pre; r <- cor(pre, post)
  chk <- function(got, want, what, tol = 5e-10) {
    if (abs(got - want) > tol * max(1, abs(want)))
      stop("docs/statistics.md check failed for ", what, ": ", sprintf("%.12g", got), " vs ", want)
  }
  chk(-tt$statistic, 2.71960041460, "t"); chk(tt$parameter, 11, "df")
  chk(tt$p.value, 0.01994569397, "p")
  chk(-tt$conf.int[2], 0.88991180765, "ci lower"); chk(-tt$conf.int[1], 8.44342152568, "ci upper")
  chk(12 * 13 / 2 - wx$statistic, 67, "V"); chk(wx$p.value, 0.02685546875, "exact p")
  chk(wn$p.value, 0.0309840501, "normal p")
  chk(-mean(d) / sd(d), 0.7850810157, "d_z")
  chk(-mean(d) / sqrt((var(pre) + var(post)) / 2), 0.8439528182, "d_av")
  chk(-mean(d) * sqrt(2 * (1 - r)) / sd(d), 0.8405745950, "d_rm")
  chk(hedges_j(11), 0.9299598100, "J(11)")
  cat("docs/statistics.md worked example reproduced\n")
})

# 2. n = 8, no ties, no zeros -> exact signed-rank distribution
paired_case("group8_exact",
  "n = 8, all |differences| distinct and non-zero: R uses the exact signed-rank distribution.",
  pre  = c(30, 22, 41, 35, 27, 19, 38, 33),
  post = c(24, 24, 30, 36, 18, 16, 28, 29),       # d = -6 2 -11 1 -9 -3 -10 -4
  higher_is_better = FALSE, reliability = 0.9)

# 3. n = 12, tied |d| and one zero -> normal approximation, tie + continuity correction
paired_case("group12_ties_zero",
  paste("n = 12 with one zero difference (dropped: Wilcoxon n = 11) and tied |d|",
        "(3 x |3|, 2 x |5|, 2 x |2|): normal approximation with tie and continuity correction;",
        "R warns about ties and zeroes."),
  pre  = c(20, 25, 31, 18, 27, 22, 35, 29, 24, 26, 30, 21),
  post = c(17, 22, 31, 21, 22, 20, 27, 24, 22, 27, 24, 17),  # d = -3 -3 0 3 -5 -2 -8 -5 -2 1 -6 -4
  higher_is_better = FALSE, reliability = 0.85)

# 4. cohort of 80, realistic MBI emotional exhaustion sums 0..54
{
  n <- 80
  true_ee <- rnorm(n, 24, 10)
  pre  <- pmin(54, pmax(0, round(true_ee + rnorm(n, 0, 4))))
  post <- pmin(54, pmax(0, round(true_ee - 3 + rnorm(n, 0, 5))))
  paired_case("cohort80",
    paste("n = 80 simulated MBI EE sums (0..54, set.seed(20240611)); n >= 50 so R uses",
          "the normal approximation regardless of ties; ties and zeros are present."),
    pre = pre, post = post, higher_is_better = FALSE, reliability = 0.9)
}

# 5. n = 5, all differences negative: exact p cannot go below 2/2^5 = 0.0625
paired_case("small_unreachable",
  paste("n = 5, all differences negative and |d| distinct: V = 0, exact two-sided p =",
        "2 * (1/32) = 0.0625, the smallest attainable; the paired t is significant."),
  pre  = c(30, 28, 35, 22, 40),
  post = c(25, 27, 31, 20, 33),                    # d = -5 -1 -4 -2 -7
  higher_is_better = FALSE, reliability = 0.9)

# 6. all differences zero
paired_case("all_zero",
  paste("post == pre for all 6 pairs. SURPRISE: R 4.2 t.test does NOT error here (its test",
        "is stderr < 10 * eps * |mean(d)|, i.e. 0 < 0, false): t, p and the CI are NaN (null),",
        "df = 5, mean_difference = 0. wilcox.test drops every zero, n = 0, V = 0 and p = NaN",
        "(null) with a warning. d_z and d_rm are 0/0 (null), d_av is 0, every rci is 0.",
        "psyscore answers 422 for constant d (docs/statistics.md); the 'data are essentially constant'",
        "error itself is in paired_constant_shift."),
  pre  = c(12, 20, 33, 27, 18, 41),
  post = c(12, 20, 33, 27, 18, 41),
  higher_is_better = FALSE, reliability = 0.9)

# 6b. (extra) constant non-zero difference: the case where t.test really errors
paired_case("constant_shift",
  paste("EXTRA. n = 6, every difference is -2: t.test stops with 'data are essentially",
        "constant' (recorded under errors; paired_t and paired_t_90 are null). All |d| tied,",
        "so the Wilcoxon is the normal approximation with sigma^2 = n(n+1)(2n+1)/24 -",
        "(6^3 - 6)/48; d_z and d_rm are -Inf (null); every rci is equal."),
  pre  = c(12, 20, 33, 27, 18, 41),
  post = c(10, 18, 31, 25, 16, 39),
  higher_is_better = FALSE, reliability = 0.9)

# 7. mean-scale scores (6 items, 1..5): non-integer, with ties that survive floating point
{
  pre_k  <- c(14, 21, 27, 15, 20, 18,  9, 22, 24, 16)   # item sums of 6 items
  post_k <- c(10, 15, 21, 15, 19, 12, 12, 13, 21, 16)
  pre <- pre_k / 6; post <- post_k / 6
  d <- post - pre; dz <- d[d != 0]
  ties_exact   <- length(unique(rank(abs(dz)))) != length(dz)
  ties_rounded <- length(unique(signif(abs(dz), 10))) != length(unique(abs(dz))) || ties_exact
  paired_case("mean_scores_non_integer",
    paste("n = 10 mean-of-6-items scores (e.g. 2.333..., 3.5); two zero differences; tied",
          "|d| only between values that are exact in binary (3 x |1|, 2 x |0.5|), so R's",
          "tie detection agrees with the mathematics; higher_is_better = true (e.g. an",
          "engagement scale), so decreases are 'deteriorated'."),
    pre = pre, post = post, higher_is_better = TRUE, reliability = 0.8,
    extra = list(item_sums = list(items = 6, pre = arr(pre_k), post = arr(post_k)),
                 abs_diff_ties = list(exact_compare = ties_exact,
                                      signif_10 = ties_rounded)))
}

# 8. (extra) thirds: mathematical ties broken by floating point
{
  pre_k  <- c(7, 8, 10, 5, 9, 11, 6, 12, 4, 9)           # item sums of 3 items
  post_k <- c(5, 6, 8, 7, 7, 12, 4, 10, 6, 10)
  pre <- pre_k / 3; post <- post_k / 3
  d <- post - pre
  w7 <- capture(wilcox.test(post, pre, paired = TRUE, digits.rank = 7), "wilcoxon_digits_rank_7")
  paired_case("mean_scores_float_ties",
    paste("EXTRA. n = 10 means of 3 items (k/3). Mathematically |d| takes only 2/3 (8x) and",
          "1/3 (2x), but post - pre in doubles gives several distinct values for 2/3",
          "(0.66666666666666652, ...663, ...674, ...696), so R's rank() (digits.rank = Inf)",
          "sees fewer ties and the tie correction differs from the exact-arithmetic one.",
          "wilcoxon is what R reports with its defaults; wilcoxon_digits_rank_7 is",
          "wilcox.test(..., digits.rank = 7), i.e. the mathematically tied version."),
    pre = pre, post = post, higher_is_better = FALSE, reliability = 0.9,
    extra = list(item_sums = list(items = 3, pre = arr(pre_k), post = arr(post_k)),
                 r_ranks_of_abs_difference = arr(rank(abs(d))),
                 wilcoxon_digits_rank_7 = list(v = unname(w7$value$statistic),
                                               p = w7$value$p.value,
                                               warnings = arr(w7$warnings))))
}

# ---------------------------------------------------------------------------
# Band transitions / McNemar-Bowker
# ---------------------------------------------------------------------------
bands_case <- function(case, description, labels, tab) {
  r <- length(labels)
  stopifnot(all(dim(tab) == c(r, r)))
  # expand the transition table into per-participant bands, then shuffle
  pre_band <- integer(0); post_band <- integer(0)
  for (i in seq_len(r)) for (j in seq_len(r)) {
    pre_band  <- c(pre_band,  rep(i - 1L, tab[i, j]))
    post_band <- c(post_band, rep(j - 1L, tab[i, j]))
  }
  perm <- sample.int(length(pre_band))
  pre_band <- pre_band[perm]; post_band <- post_band[perm]
  transitions <- table(factor(pre_band, levels = 0:(r - 1)),
                       factor(post_band, levels = 0:(r - 1)))
  stopifnot(all(transitions == tab))
  mt <- capture(mcnemar.test(transitions, correct = TRUE), "mcnemar")
  obj <- list(case = case, r_version = R_VERSION, description = description,
              labels = arr(labels), n = length(pre_band),
              pre_band = arr(pre_band), post_band = arr(post_band),
              transitions = matrix(as.integer(transitions), r, r),
              mcnemar = list(statistic = unname(mt$value$statistic),
                             df = unname(mt$value$parameter), p = mt$value$p.value,
                             r_method = mt$value$method))
  # psyscore's rule: leave pairs with n_ij + n_ji = 0 out of the sum and of df
  m <- matrix(as.double(transitions), r, r)
  up <- upper.tri(m)
  num <- (m - t(m))[up]; den <- (m + t(m))[up]
  keep <- den > 0
  if (any(!keep)) {
    if (r == 2) {
      obj$mcnemar_pairs_dropped <- list(statistic = NA, df = 0, p = NA, pairs_dropped = 1)
    } else {
      stat <- sum(num[keep]^2 / den[keep])
      df <- sum(keep)
      obj$mcnemar_pairs_dropped <- list(
        statistic = stat, df = df,
        p = if (df > 0) pchisq(stat, df, lower.tail = FALSE) else NA,
        pairs_dropped = sum(!keep),
        dropped = lapply(which(!keep), function(k) {
          ij <- which(up, arr.ind = TRUE)[k, ]
          arr(c(labels[ij[1]], labels[ij[2]]))
        }))
    }
  }
  obj$warnings <- arr(mt$warnings)
  write_json(obj, paste0("bands_", case, ".json"))
  invisible(obj)
}

bands_case("two_bands",
  "2 bands, b = 6 (not_high -> high), c = 2: McNemar with continuity correction, (|b-c|-1)^2/(b+c).",
  c("not_high", "high"),
  matrix(c(8, 6,
           2, 4), 2, 2, byrow = TRUE))

bands_case("three_bands",
  "3 bands, every off-diagonal pair informative: Bowker's test, df = 3 (no continuity correction for r > 2).",
  c("low", "moderate", "high"),
  matrix(c(5, 3, 1,
           2, 6, 4,
           1, 1, 7), 3, 3, byrow = TRUE))

bands_case("three_bands_empty_pair",
  paste("3 bands, pair (low, high) has n_13 + n_31 = 0: R's statistic and p are NaN (null).",
        "mcnemar_pairs_dropped is psyscore's rule: that pair left out of the sum and df (df 2)."),
  c("low", "moderate", "high"),
  matrix(c(5, 3, 0,
           1, 6, 4,
           0, 2, 7), 3, 3, byrow = TRUE))

bands_case("two_bands_equal_discordant",
  paste("EXTRA. 2 bands with b = c = 3. SURPRISE: mcnemar.test applies the continuity",
        "correction only if some n_ij != n_ji, so here the statistic is the UNcorrected",
        "(b-c)^2/(b+c) = 0 and p = 1, not (|b-c|-1)^2/(b+c) = 1/6."),
  c("not_high", "high"),
  matrix(c(7, 3,
           3, 5), 2, 2, byrow = TRUE))

bands_case("two_bands_no_discordant",
  paste("EXTRA. 2 bands with b = c = 0: R gives NaN (null) statistic and p;",
        "psyscore reports null with a warning."),
  c("not_high", "high"),
  matrix(c(9, 0,
           0, 5), 2, 2, byrow = TRUE))

# ---------------------------------------------------------------------------
# Group comparisons
# ---------------------------------------------------------------------------
compare_case <- function(case, description, groups) {
  gn <- names(groups)
  warnings <- character(0)
  desc <- lapply(groups, function(x) {
    q <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
    list(n = length(x), mean = mean(x), sd = sd(x), median = median(x),
         q1 = q[1], q3 = q[3])
  })
  all_x <- unlist(groups, use.names = FALSE)
  g <- factor(rep(gn, lengths(groups)), levels = gn)
  N <- length(all_x)
  kw <- capture(kruskal.test(all_x, g), "kruskal_wallis")
  warnings <- c(warnings, kw$warnings)
  H <- unname(kw$value$statistic)
  kruskal <- list(h = H, df = unname(kw$value$parameter), p = kw$value$p.value,
                  epsilon_squared = H / ((N^2 - 1) / (N + 1)))

  pairs <- list(); pairs_n <- list(); pv <- numeric(0)
  for (a in seq_along(gn)) for (b in seq_along(gn)) if (a < b) {
    xa <- groups[[a]]; xb <- groups[[b]]
    tag <- paste0("mann_whitney ", gn[a], " vs ", gn[b])
    mw <- capture(wilcox.test(xa, xb), tag)
    warnings <- c(warnings, mw$warnings)
    W <- unname(mw$value$statistic)
    pairs[[length(pairs) + 1]] <- list(
      a = gn[a], b = gn[b], n_a = length(xa), n_b = length(xb), w = W, p = mw$value$p.value,
      p_holm = NA, rank_biserial = 1 - 2 * W / (length(xa) * length(xb)),
      method = if (grepl("exact", mw$value$method)) "exact" else "normal",
      r_method = mw$value$method)
    pv <- c(pv, mw$value$p.value)
    mn <- capture(wilcox.test(xa, xb, exact = FALSE, correct = TRUE), paste0(tag, " (normal)"))
    warnings <- c(warnings, mn$warnings)
    pairs_n[[length(pairs_n) + 1]] <- list(a = gn[a], b = gn[b],
                                           w = unname(mn$value$statistic), p = mn$value$p.value)
  }
  ph <- p.adjust(pv, "holm")
  for (k in seq_along(pairs)) pairs[[k]]$p_holm <- ph[k]

  obj <- list(case = case, r_version = R_VERSION, description = description,
              group_order = arr(gn),
              groups = lapply(groups, arr),
              descriptives = desc, kruskal_wallis = kruskal,
              mann_whitney = pairs, mann_whitney_normal = pairs_n)
  if (length(groups) == 2) {
    wt <- capture(t.test(groups[[1]], groups[[2]]), "welch_t")
    warnings <- c(warnings, wt$warnings)
    obj$welch_t <- list(t = unname(wt$value$statistic), df = unname(wt$value$parameter),
                        p = wt$value$p.value,
                        ci_lower = wt$value$conf.int[1], ci_upper = wt$value$conf.int[2],
                        mean_difference = unname(wt$value$estimate[1] - wt$value$estimate[2]))
  }
  obj$warnings <- arr(warnings)
  write_json(obj, paste0("compare_", case, ".json"))
  invisible(obj)
}

compare_case("three_groups_ties",
  paste("Kannai-style years-of-service groups, EE sums with ties within and across groups:",
        "Mann-Whitney uses the normal approximation (ties) for every pair."),
  list(under_1y = c(18, 22, 25, 22, 30, 15),
       `1_to_4y` = c(25, 28, 31, 22, 35, 27, 28, 40, 19),
       `5y_plus` = c(33, 38, 28, 42, 36, 31, 45)))

compare_case("two_groups_no_ties",
  "n = 7 and 9, all 16 values distinct: exact Mann-Whitney; welch_t included.",
  list(ward_a = c(12, 19, 23, 27, 31, 16, 21),
       ward_b = c(25, 29, 33, 18, 36, 40, 28, 34, 30)))

compare_case("two_groups_ties",
  "n = 12 and 10 with ties within and across groups: normal-approximation Mann-Whitney; welch_t included.",
  list(day_shift = c(20, 24, 24, 31, 18, 27, 22, 24, 35, 29, 20, 26),
       night_shift = c(28, 31, 24, 36, 33, 27, 40, 31, 29, 38)))

{
  clamp <- function(x) pmin(54, pmax(0, round(x)))
  compare_case("three_groups_large",
    paste("n = 60, 55, 70 simulated EE sums (0..54, set.seed(20240611) stream):",
          "n >= 50 so every Mann-Whitney pair is normal-approximation."),
    list(under_1y = clamp(rnorm(60, 20, 10)),
         `1_to_4y` = clamp(rnorm(55, 24, 11)),
         `5y_plus` = clamp(rnorm(70, 27, 11))))
}

# ---------------------------------------------------------------------------
# Holm
# ---------------------------------------------------------------------------
holm_one <- function(p) list(p = arr(p), p_holm = arr(p.adjust(p, "holm")))
h <- holm_one(c(0.01, 0.04, 0.03, 0.5))
write_json(list(case = "holm", r_version = R_VERSION,
                description = paste("p.adjust(p, 'holm'). The first vector exercises the",
                                    "step-down cummax (0.03*3 = 0.09 > 0.04*2 = 0.08);",
                                    "'more' adds capping at 1, equal p values, a single p."),
                p = h$p, p_holm = h$p_holm,
                more = list(holm_one(c(0.2, 0.6, 0.01, 0.45, 0.35)),
                            holm_one(c(0.02, 0.02, 0.02)),
                            holm_one(c(0.0001, 0.049, 0.051, 0.9, 0.0012, 0.03)),
                            holm_one(0.04))),
           "holm.json")

# ---------------------------------------------------------------------------
# Clinically significant change (Jacobson & Truax 1991), from its formulas.
# No RNG: fixed vectors, so this section leaves the cases above unchanged.
# Dysfunctional population = the pre wave (mean, sd); functional = norms.
#   a: mean_d + better * m * sd_d
#   b: mean_f - better * m * sd_f            (better = +1 if higher is better)
#   c: (sd_d * mean_f + sd_f * mean_d) / (sd_d + sd_f)
# As the R package clinicalsignificance (2.x, cs_combined) judges it: clinical
# before when better * pre < better * cutoff, functional after when
# better * post > better * cutoff (both strict); crossed = both. Category:
# reliably improved and crossed -> recovered; reliably improved -> improved;
# reliably worse, neither clinical before nor functional after -> harmed;
# reliably worse -> deteriorated.
# ---------------------------------------------------------------------------
clinical_case <- function(case, description, pre, post, higher_is_better, reliability,
                          norms_mean, norms_sd, variants, criterion_rci = 1.96) {
  better <- if (higher_is_better) 1 else -1
  mean_d <- mean(pre)
  sd_d <- sd(pre)
  s_diff <- sqrt(2) * sd_d * sqrt(1 - reliability)
  rci <- (post - pre) / s_diff
  reliable <- ifelse(better * rci > criterion_rci, "improved",
                     ifelse(better * rci < -criterion_rci, "deteriorated", "unchanged"))
  out <- lapply(variants, function(v) {
    sd_f <- if (v$functional_sd == "norms") norms_sd else sd_d
    cutoff <- switch(v$criterion,
                     a = mean_d + better * v$sd_multiplier * sd_d,
                     b = norms_mean - better * v$sd_multiplier * sd_f,
                     c = (sd_d * norms_mean + sd_f * mean_d) / (sd_d + sd_f))
    clinical_pre <- better * pre < better * cutoff
    functional_post <- better * post > better * cutoff
    crossed <- clinical_pre & functional_post
    category <- ifelse(reliable == "improved", ifelse(crossed, "recovered", "improved"),
                       ifelse(reliable == "deteriorated" & !clinical_pre & !functional_post, "harmed", reliable))
    list(criterion = v$criterion, sd_multiplier = v$sd_multiplier, functional_sd = v$functional_sd,
         cutoff = cutoff, crossed_cutoff = arr(crossed), category = arr(category),
         counts = list(recovered = sum(category == "recovered"), improved = sum(category == "improved"),
                       unchanged = sum(category == "unchanged"),
                       deteriorated = sum(category == "deteriorated"), harmed = sum(category == "harmed")))
  })
  obj <- list(case = case, r_version = R_VERSION, description = description,
              pre = arr(pre), post = arr(post), higher_is_better = higher_is_better,
              reliability = reliability, norms = list(mean = norms_mean, sd = norms_sd),
              dysfunctional = list(mean = mean_d, sd = sd_d), s_diff = s_diff, rci = arr(rci),
              rci_category = arr(reliable), variants = out)
  write_json(obj, paste0("clinical_", case, ".json"))
}

all_variants <- list(
  list(criterion = "a", sd_multiplier = 2, functional_sd = "norms"),
  list(criterion = "a", sd_multiplier = 1.96, functional_sd = "norms"),
  list(criterion = "b", sd_multiplier = 2, functional_sd = "norms"),
  list(criterion = "b", sd_multiplier = 2, functional_sd = "sample"),
  list(criterion = "c", sd_multiplier = 2, functional_sd = "norms"),
  list(criterion = "c", sd_multiplier = 2, functional_sd = "sample"))

clinical_case("lower_is_better",
  "EE-like sums (lower is better), norms mean 14 sd 8, reliability 0.9: every criterion.",
  pre = c(30, 34, 26, 38, 22, 30, 41, 28, 35, 24),
  post = c(12, 33, 24, 20, 21, 40, 25, 27, 18, 26),
  higher_is_better = FALSE, reliability = 0.9, norms_mean = 14, norms_sd = 8,
  variants = all_variants)

clinical_case("higher_is_better",
  "PA-like sums (higher is better), norms mean 14 sd 8, reliability 0.85: every criterion.",
  pre = c(4, 7, 10, 3, 8, 6, 12, 5),
  post = c(15, 6, 18, 13, 2, 9, 20, 5),
  higher_is_better = TRUE, reliability = 0.85, norms_mean = 14, norms_sd = 8,
  variants = all_variants)
