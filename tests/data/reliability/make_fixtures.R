# make_fixtures.R -- reference fixtures for psyscore's reliability statistics.
#
# Run from this folder:   Rscript make_fixtures.R
# Needs R 4.2 with psych 2.2.9 and psychTools (Debian bookworm: r-base-core,
# r-cran-psych, r-cran-psychtools; GPArotation comes with them and is needed by
# psych::omega). No internet, no jsonlite: a small JSON writer is below.
# Deterministic: every synthetic data set is drawn after its own set.seed().
#
# Every number is written with sprintf("%.17g"); NA, NaN and +-Inf become null.
# See README.md in this folder for what each field is and where it comes from.

suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
})

R_VERSION <- R.version.string
PSYCH_VERSION <- as.character(packageVersion("psych"))
PSYCHTOOLS_VERSION <- as.character(packageVersion("psychTools"))
if (PSYCH_VERSION != "2.2.9")
  warning("fixtures are specified against psych 2.2.9, this is ", PSYCH_VERSION)

# ---------------------------------------------------------------------------
# Minimal JSON writer
#   NULL                   -> null
#   named list             -> object (in the given order)
#   unnamed list           -> array
#   matrix                 -> array of rows (each row on one line)
#   atomic, length 1       -> scalar, unless wrapped in I() (then always an array)
#   atomic, other lengths  -> array
#   numbers                -> sprintf("%.17g"); NA/NaN/Inf -> null
# ---------------------------------------------------------------------------
json_str <- function(s) {
  if (is.na(s)) return("null")
  s <- enc2utf8(as.character(s))
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\r", "\\r", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  # any other control character
  chars <- strsplit(s, "")[[1]]
  ctl <- vapply(chars, function(ch) {
    cp <- utf8ToInt(ch)
    length(cp) == 1 && cp < 32
  }, logical(1))
  if (any(ctl)) chars[ctl] <- sprintf("\\u%04x", vapply(chars[ctl], utf8ToInt, 1L))
  paste0("\"", paste(chars, collapse = ""), "\"")
}

json_scalar <- function(v) {
  if (is.logical(v)) {
    if (is.na(v)) "null" else if (v) "true" else "false"
  } else if (is.character(v) || is.factor(v)) {
    json_str(as.character(v))
  } else if (is.numeric(v)) {
    v <- as.double(v)
    if (!is.finite(v)) "null" else sprintf("%.17g", v)
  } else stop("cannot write type ", typeof(v))
}

json_inline_array <- function(v) {
  v <- unclass(v)
  if (length(v) == 0) return("[]")
  paste0("[", paste(vapply(seq_along(v), function(i) json_scalar(v[[i]]), ""),
                    collapse = ", "), "]")
}

to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent)
  pad1 <- strrep("  ", indent + 1)
  if (is.null(x)) return("null")
  if (is.data.frame(x)) stop("convert data frames before writing")
  if (is.matrix(x)) {
    if (nrow(x) == 0) return("[]")
    rows <- vapply(seq_len(nrow(x)), function(i) json_inline_array(x[i, ]), "")
    return(paste0("[\n", paste0(pad1, rows, collapse = ",\n"), "\n", pad, "]"))
  }
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    parts <- vapply(seq_along(x), function(i) to_json(x[[i]], indent + 1), "")
    if (!is.null(names(x))) {
      keys <- vapply(names(x), json_str, "")
      return(paste0("{\n", paste0(pad1, keys, ": ", parts, collapse = ",\n"),
                    "\n", pad, "}"))
    }
    return(paste0("[\n", paste0(pad1, parts, collapse = ",\n"), "\n", pad, "]"))
  }
  if (length(x) == 1 && !inherits(x, "AsIs")) return(json_scalar(unclass(x)))
  json_inline_array(x)
}

write_json_file <- function(x, file) {
  txt <- enc2utf8(to_json(x))
  con <- file(file, open = "wb")
  on.exit(close(con))
  writeLines(txt, con, useBytes = TRUE)
  cat("wrote", file, "\n")
}

num <- function(x) as.numeric(unlist(x))   # strip data.frame / names

# ---------------------------------------------------------------------------
# Run a psych call, collecting warnings, messages, printed output and errors.
# ---------------------------------------------------------------------------
run_psych <- function(label, expr) {
  warns <- character(0); msgs <- character(0); err <- NULL
  out <- capture.output(
    value <- withCallingHandlers(
      tryCatch(expr, error = function(e) { err <<- conditionMessage(e); NULL }),
      warning = function(w) {
        warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning")
      },
      message = function(m) {
        txt <- sub("\n$", "", conditionMessage(m))
        if (!grepl("^Loading required namespace", txt)) msgs <<- c(msgs, txt)
        invokeRestart("muffleMessage")
      })
  )
  out <- out[nzchar(trimws(out))]
  list(value = value,
       warnings = if (length(warns)) paste0(label, ": ", warns) else character(0),
       messages = c(if (length(msgs)) paste0(label, ": ", msgs) else character(0),
                    if (length(out)) paste0(label, " (printed): ",
                                            paste(trimws(out), collapse = " ")) else character(0)),
       error = if (is.null(err)) NULL else paste0(label, ": ", err))
}

# ---------------------------------------------------------------------------
# Keying, as psyscore does it: reverse items become min + max - x of the scale.
# (psych would use min/max over all cells of the data; we do not let it key.)
# ---------------------------------------------------------------------------
key_data <- function(raw, reverse, smin, smax) {
  keyed <- raw
  for (j in which(reverse)) keyed[[j]] <- smin + smax - raw[[j]]
  keyed
}

# Independent recomputations used to fill fields psych does not report and to
# cross-check the ones it does (the script stops on disagreement).
my_C_R <- function(keyed) {
  C <- cov(keyed, use = "pairwise")
  list(C = C, R = cov2cor(C))
}
feldt_ci <- function(alpha, N, k, level) {
  p <- 1 - level
  c(lower = 1 - (1 - alpha) * qf(1 - p / 2, N - 1, (N - 1) * (k - 1)),
    upper = 1 - (1 - alpha) * qf(p / 2, N - 1, (N - 1) * (k - 1)))
}
check_close <- function(what, a, b, tol = 1e-12) {
  a <- num(a); b <- num(b)
  ok <- (is.na(a) & is.na(b)) | (!is.na(a) & !is.na(b) & abs(a - b) <= tol * pmax(1, abs(b)))
  if (!all(ok)) stop("self-check failed for ", what, ": ", paste(a, collapse = " "),
                     " vs ", paste(b, collapse = " "))
  invisible(TRUE)
}

# ---------------------------------------------------------------------------
# The "alpha" block: psych::alpha(keyed) with defaults.
#   raw: raw (unkeyed) data with the same columns, for response_freq.
# ---------------------------------------------------------------------------
alpha_block <- function(keyed, raw, label) {
  r <- run_psych(label, alpha(keyed))
  a <- r$value
  if (is.null(a)) return(list(block = NULL, warnings = r$warnings,
                              messages = c(r$messages, r$error)))
  N <- nrow(keyed)
  kept <- rownames(a$item.stats)          # psych drops zero-variance items
  k <- length(kept)
  tot <- a$total
  raw_alpha <- num(tot$raw_alpha)
  ase <- num(tot$ase)

  # var_r: psych 2.2.9 does not put var.r into $total; it returns it as the
  # top-level $var.r (= var(R[lower.tri(R)]) of the R matrix alpha uses).
  mine <- my_C_R(keyed[, kept, drop = FALSE])
  var_r_mine <- var(mine$R[lower.tri(mine$R)])
  check_close(paste(label, "var_r"), a$var.r, var_r_mine)
  check_close(paste(label, "average_r"), tot$average_r,
              (sum(mine$R) - k) / (k * (k - 1)))

  feldt95 <- feldt_ci(raw_alpha, N, k, 0.95)
  check_close(paste(label, "feldt"), c(a$feldt$lower.ci, a$feldt$upper.ci), feldt95)
  feldt90 <- feldt_ci(raw_alpha, N, k, 0.90)
  f90 <- alpha.ci(raw_alpha, N, k, p.val = 0.10)
  check_close(paste(label, "feldt_90"), c(f90$lower.ci, f90$upper.ci), feldt90)

  # response frequencies on RAW answers (psych would report them on the data
  # it is given, i.e. on keyed values for reverse items).
  rf <- response.frequencies(as.data.frame(raw[, kept, drop = FALSE]))

  drop <- a$alpha.drop
  has_se <- "alpha se" %in% colnames(drop)
  items <- lapply(seq_len(k), function(i) {
    id <- kept[i]
    st <- a$item.stats[i, ]
    dr <- drop[i, ]
    freq <- NULL
    if (!is.null(rf)) {
      fr <- rf[id, ]
      freq <- as.list(as.numeric(fr))
      names(freq) <- colnames(rf)
    }
    list(id = id,
         n = num(st$n), raw_r = num(st$raw.r), std_r = num(st$std.r),
         r_cor = num(st$r.cor), r_drop = num(st$r.drop),
         mean = num(st$mean), sd = num(st$sd),
         alpha_if_dropped = list(
           raw_alpha = num(dr$raw_alpha), std_alpha = num(dr$std.alpha),
           g6_smc = num(dr[["G6(smc)"]]), average_r = num(dr$average_r),
           s_n = num(dr[["S/N"]]),
           alpha_se = if (has_se) num(dr[["alpha se"]]) else NA_real_,
           var_r = num(dr$var.r), med_r = num(dr$med.r)),
         response_freq = freq)
  })

  block <- list(
    call = "psych::alpha(keyed)  # defaults: use='pairwise', check.keys=FALSE, keys=NULL",
    n = N, k = k,
    raw_alpha = raw_alpha, std_alpha = num(tot$std.alpha), g6_smc = num(tot[["G6(smc)"]]),
    average_r = num(tot$average_r), s_n = num(tot[["S/N"]]), ase = ase,
    mean = num(tot$mean), sd = num(tot$sd), median_r = num(tot$median_r),
    var_r = num(a$var.r),
    feldt = list(lower = num(a$feldt$lower.ci), upper = num(a$feldt$upper.ci)),
    feldt_90 = list(lower = num(feldt90["lower"]), upper = num(feldt90["upper"])),
    duhachek = list(lower = raw_alpha - 1.96 * ase, upper = raw_alpha + 1.96 * ase),
    items = items)
  list(block = block, warnings = r$warnings, messages = c(r$messages, r$error))
}

# ---------------------------------------------------------------------------
# Omega total, one factor, minres.
# ---------------------------------------------------------------------------
OMEGA_CALL <- paste(
  "psych::omega(keyed, nfactors = 1, fm = 'minres', plot = FALSE)$omega.tot;",
  "internally schmid() -> fa(cor(keyed, use = 'pairwise'), 1, fm = 'minres', rotate = 'varimax');",
  "omega.tot = (sum(Rp) - sum(u2)) / sum(Rp), Rp = pairwise-complete correlation matrix",
  "(flipped by sign(g) if any g loading is negative), u2 = 1 - g^2")

refine_minres <- function(R, L0) {
  # Iterated principal axis on the off-diagonal (the minres/ULS stationary
  # point), started from psych's loadings and run to machine precision, to show
  # how far psych's L-BFGS-B solution is from the exact optimum.
  L <- L0
  it <- 0
  repeat {
    it <- it + 1
    Rs <- R
    diag(Rs) <- L^2
    e <- eigen(Rs, symmetric = TRUE)
    Lnew <- sqrt(max(e$values[1], 0)) * e$vectors[, 1]
    if (sum(Lnew * L0) < 0) Lnew <- -Lnew
    delta <- max(abs(Lnew - L))
    L <- Lnew
    if (delta < 1e-15 || it >= 100000) break
  }
  list(loadings = L, iterations = it, converged = delta < 1e-15)
}

# minres objective: sum of squared off-diagonal residuals (lower triangle)
offdiag_ssr <- function(R, L) {
  E <- R - tcrossprod(L)
  sum(E[lower.tri(E)]^2)
}

omega_block <- function(keyed, label) {
  r <- run_psych(label, omega(keyed, nfactors = 1, fm = "minres", plot = FALSE))
  om <- r$value
  out <- list(omega_total = NA_real_, omega_call = OMEGA_CALL, omega_loadings = NA_real_,
              omega_detail = NULL)
  if (!is.null(om)) {
    sl <- om$schmid$sl
    g <- as.numeric(sl[, "g"])
    u2 <- as.numeric(sl[, "u2"])
    flipped <- any(om$key < 0)
    Rp <- cor(keyed, use = "pairwise")
    # the same number without psych's sign flip, straight from the loadings
    om_noflip <- (sum(Rp) - sum(1 - g^2)) / sum(Rp)
    if (!flipped) check_close(paste(label, "omega_total"), om$omega.tot, om_noflip, 1e-10)
    ref <- refine_minres(Rp, g * om$key)
    Lr <- ref$loadings
    out$omega_total <- num(om$omega.tot)
    out$omega_loadings <- I(g)
    out$omega_detail <- list(
      u2 = I(u2),
      flipped_by_psych = flipped,
      key = I(as.numeric(om$key)),
      omega_total_unflipped = om_noflip,
      alpha_from_omega = num(om$alpha),
      refined = list(
        note = paste("not psych: minres stationary point iterated to 1e-15 from psych's",
                     "loadings (unflipped orientation); psych's optim(L-BFGS-B) stops earlier"),
        loadings = I(Lr),
        omega_total_unflipped = (sum(Rp) - sum(1 - Lr^2)) / sum(Rp),
        iterations = ref$iterations, converged = ref$converged,
        max_abs_loading_diff_vs_psych = max(abs(Lr - g * om$key)),
        offdiag_ssr_psych = offdiag_ssr(Rp, g * om$key),
        offdiag_ssr_refined = offdiag_ssr(Rp, Lr)))
  } else {
    out$omega_call <- paste(OMEGA_CALL, "-- psych failed:", r$error)
  }
  list(fields = out, warnings = r$warnings, messages = c(r$messages, r$error))
}

# ---------------------------------------------------------------------------
# splitHalf
# ---------------------------------------------------------------------------
# Not psych: every distinct split into floor(k/2) and ceiling(k/2) items.
# psych's brute force examines only the first choose(k, floor(k/2))/2
# combinations in combn() order; for even k that is every split once, for odd k
# it is only about half of them (see README).
all_splits <- function(keyed) {
  R <- cov2cor(cov(keyed, use = "pairwise"))
  k <- ncol(R); m <- k %/% 2
  cmb <- combn(k, m)
  if (k %% 2 == 0) cmb <- cmb[, cmb[1, ] == 1, drop = FALSE]   # each split once
  rab <- apply(cmb, 2, function(o) {
    a <- seq_len(k) %in% o
    4 * sum(R[a, !a]) / sum(R)
  })
  list(note = "not psych: max/min/mean of 4*R_AB/sum(R) over every distinct split",
       n_splits = length(rab), maxrb = max(rab), minrb = min(rab), meanr = mean(rab))
}

split_block <- function(keyed, label) {
  k <- ncol(keyed)
  brute <- k <= 16
  call <- sprintf("psych::splitHalf(keyed, raw = FALSE, brute = %s, check.keys = FALSE)",
                  if (brute) "TRUE" else "FALSE")
  r <- run_psych(label, splitHalf(keyed, raw = FALSE, brute = brute, check.keys = FALSE))
  s <- r$value
  if (is.null(s)) return(list(block = list(call = call, error = r$error),
                              warnings = r$warnings, messages = c(r$messages, r$error)))
  ab <- function(x) lapply(x, function(v) I(as.character(v)))
  block <- list(call = call,
                maxrb = num(s$maxrb), minrb = num(s$minrb),
                maxAB = ab(s$maxAB), minAB = ab(s$minAB),
                meanr = num(s$meanr), av.r = num(s$av.r), med.r = num(s$med.r),
                alpha = num(s$alpha), lambda2 = num(s$lambda2), lambda6 = num(s$lambda6),
                ci = I(num(s$ci)),
                n_splits_examined = round(choose(k, trunc(k / 2))) / 2,
                all_splits = all_splits(keyed))
  list(block = block, warnings = r$warnings, messages = r$messages)
}

# ---------------------------------------------------------------------------
# One reliability case
# ---------------------------------------------------------------------------
make_case <- function(case, description, raw, smin, smax, reverse,
                      extra = NULL, without_column = NULL) {
  raw <- as.data.frame(raw)
  ids <- colnames(raw)
  stopifnot(length(reverse) == ncol(raw))
  keyed <- key_data(raw, reverse, smin, smax)
  warns <- character(0); msgs <- character(0)

  ab <- alpha_block(keyed, raw, "psych::alpha")
  warns <- c(warns, ab$warnings); msgs <- c(msgs, ab$messages)

  kept <- if (is.null(ab$block)) ids else vapply(ab$block$items, `[[`, "", "id")
  # omega and splitHalf get the items alpha kept (a constant item makes cor() NA)
  keyed_kept <- keyed[, kept, drop = FALSE]
  om <- omega_block(keyed_kept, "psych::omega")
  warns <- c(warns, om$warnings); msgs <- c(msgs, om$messages)
  sp <- split_block(keyed_kept, "psych::splitHalf")
  warns <- c(warns, sp$warnings); msgs <- c(msgs, sp$messages)

  datam <- as.matrix(raw)
  dimnames(datam) <- NULL

  out <- list(case = case, r_version = R_VERSION, psych_version = PSYCH_VERSION,
              psychtools_version = PSYCHTOOLS_VERSION,
              description = description,
              scale = list(min = smin, max = smax),
              n = nrow(raw), k = ncol(raw),
              item_ids = I(ids), reverse = I(reverse),
              data = datam,
              alpha = ab$block)
  if (anyNA(raw)) {
    cc <- complete.cases(keyed)
    lw <- alpha_block(keyed[cc, , drop = FALSE], raw[cc, , drop = FALSE],
                      "psych::alpha (listwise)")
    lwb <- lw$block
    if (!is.null(lwb)) lwb$call <- "psych::alpha(na.omit(keyed))  # defaults"
    out$listwise <- lwb
    warns <- c(warns, lw$warnings); msgs <- c(msgs, lw$messages)
  }
  if (!is.null(without_column)) {
    keep <- setdiff(ids, without_column)
    wc <- alpha_block(keyed[, keep, drop = FALSE], raw[, keep, drop = FALSE],
                      "psych::alpha (without constant)")
    wcb <- wc$block
    if (!is.null(wcb)) wcb$call <- sprintf("psych::alpha(keyed[, setdiff(ids, '%s')])  # defaults",
                                           without_column)
    out$alpha_without_constant <- wcb
    warns <- c(warns, wc$warnings); msgs <- c(msgs, wc$messages)
  }
  out <- c(out, om$fields)
  out$split_half <- sp$block
  out <- c(out, extra)
  out$warnings <- I(warns)
  out$messages <- I(msgs)
  write_json_file(out, paste0(case, ".json"))
  invisible(out)
}

# ---------------------------------------------------------------------------
# ICC case
# ---------------------------------------------------------------------------
make_icc <- function(case, description, x) {
  x <- as.matrix(x)
  r <- run_psych("psych::ICC", ICC(x, lmer = FALSE))
  ic <- r$value
  res <- ic$results
  rows <- lapply(seq_len(nrow(res)), function(i) list(
    type = as.character(res$type[i]), icc = num(res$ICC[i]), f = num(res$F[i]),
    df1 = num(res$df1[i]), df2 = num(res$df2[i]), p = num(res$p[i]),
    lower = num(res[["lower bound"]][i]), upper = num(res[["upper bound"]][i])))
  st <- ic$stats
  dm <- x; dimnames(dm) <- NULL
  out <- list(case = case, r_version = R_VERSION, psych_version = PSYCH_VERSION,
              description = description,
              call = "psych::ICC(x, lmer = FALSE)$results  # alpha = 0.05 (95% bounds)",
              n = nrow(x), k = ncol(x),
              data = dm,
              icc = rows,
              mean_squares = list(MSB = num(st["MS", "subjects"]), MSJ = num(st["MS", "Judges"]),
                                  MSE = num(st["MS", "Residual"]), MSW = num(ic$MSW)),
              warnings = I(r$warnings), messages = I(c(r$messages, r$error)))
  write_json_file(out, paste0(case, ".json"))
  invisible(out)
}

# Clip to the scale and round, for synthetic Likert items.
likert <- function(x, smin, smax) pmin(smax, pmax(smin, round(x)))

# ===========================================================================
# Cases
# ===========================================================================

# 1. bfi agreeableness ------------------------------------------------------
bfiA <- psychTools::bfi[, paste0("A", 1:5)]
rownames(bfiA) <- NULL
case1 <- make_case(
  "bfi_agreeableness",
  paste("psychTools::bfi items A1..A5, A1 reverse-keyed (7 - x), scale 1..6, all 2800 rows,",
        "91 rows with at least one missing answer, none all-missing. The docs/statistics.md worked",
        "example; the script checks it reproduces every value listed there."),
  bfiA, 1, 6, c(TRUE, FALSE, FALSE, FALSE, FALSE))

# Check against the worked example in docs/statistics.md (10 significant digits).
local({
  a <- case1$alpha
  it2 <- a$items[[2]]
  got <- c(a$raw_alpha, a$std_alpha, a$g6_smc, a$average_r, a$s_n, a$ase, a$mean, a$sd,
           a$median_r, a$feldt$lower, a$feldt$upper, a$duhachek$lower, a$duhachek$upper,
           it2$raw_r, it2$std_r, it2$r_cor, it2$r_drop,
           it2$alpha_if_dropped$raw_alpha, it2$alpha_if_dropped$alpha_se)
  want <- c(0.7030184461, 0.7130285787, 0.682762672, 0.3319676571, 2.484667551,
            0.008951774426, 4.652095238, 0.8984018771, 0.3376233408, 0.6852643259,
            0.7200633899, 0.6854729682, 0.7205639239, 0.7279845314, 0.7479918646,
            0.6665475389, 0.5636151638, 0.6171800370, 0.011903882626)
  rel <- abs(got - want) / abs(want)
  if (any(rel > 1e-9)) stop("bfi_agreeableness disagrees with docs/statistics.md: ",
                            paste(which(rel > 1e-9), collapse = ","))
  cat("bfi_agreeableness agrees with docs/statistics.md worked example (max rel diff",
      signif(max(rel), 3), ")\n")
})

# 2. bfi conscientiousness --------------------------------------------------
bfiC <- psychTools::bfi[, paste0("C", 1:5)]
rownames(bfiC) <- NULL
make_case(
  "bfi_conscientiousness",
  paste("psychTools::bfi items C1..C5, C4 and C5 reverse-keyed (7 - x), scale 1..6, all 2800",
        "rows; 107 missing cells in 93 rows, none all-missing. Odd k: psych's splitHalf",
        "maxrb here is not the maximum over all splits (see split_half.all_splits)."),
  bfiC, 1, 6, c(FALSE, FALSE, FALSE, TRUE, TRUE))

# 3. mbi_like_small ---------------------------------------------------------
set.seed(20240301)
n <- 10; k <- 9
theta <- rnorm(n)
mbi <- sapply(1:k, function(j) likert(3 + 1.3 * theta + rnorm(n, 0, 1.1), 0, 6))
mbi[cbind(c(2, 5, 9), c(4, 7, 1))] <- NA
colnames(mbi) <- paste0("ee", 1:k)
make_case(
  "mbi_like_small",
  paste("Synthetic Balint-group-sized sample (set.seed(20240301)): n = 10, k = 9, scale 0..6",
        "(MBI emotional-exhaustion style), one latent factor, 3 missing cells, no reverse items."),
  mbi, 0, 6, rep(FALSE, k))

# 4. tiny_two_items ---------------------------------------------------------
set.seed(20240302)
t2 <- local({
  th <- rnorm(8)
  cbind(i1 = likert(3 + th + rnorm(8, 0, 0.7), 1, 5), i2 = likert(3 + th + rnorm(8, 0, 0.7), 1, 5))
})
make_case(
  "tiny_two_items",
  paste("Synthetic n = 8, k = 2, scale 1..5, complete (set.seed(20240302)). psych's k = 2 special",
        "case in alpha.drop: the row of a dropped item has raw_alpha = C12 / var(remaining item)",
        "(C[1,2]/C[2,2] for item 1, C[1,2]/C[1,1] for item 2),",
        "std_alpha = average_r = med_r = R12, g6_smc = smc(R)[1] = R12^2 for both rows,",
        "s_n = R12/(1-R12), var_r = 0, alpha_se = NA (null)."),
  t2, 1, 5, c(FALSE, FALSE))

# 5. dichotomous ------------------------------------------------------------
set.seed(20240303)
dich <- local({
  n <- 40; k <- 6
  th <- rnorm(n)
  b <- c(-1.2, -0.6, -0.2, 0.2, 0.7, 1.1)
  m <- sapply(1:k, function(j) as.numeric(runif(n) < plogis(1.7 * (th - b[j]))))
  m[cbind(c(3, 11, 18, 25, 33), c(2, 5, 1, 6, 3))] <- NA
  colnames(m) <- paste0("d", 1:k)
  m
})
kr20 <- local({
  x <- dich[complete.cases(dich), ]
  k <- ncol(x); p <- colMeans(x)
  tot <- rowSums(x)
  vt <- mean((tot - mean(tot))^2)      # population variance, as in KR-20's p*q
  k / (k - 1) * (1 - sum(p * (1 - p)) / vt)
})
make_case(
  "dichotomous",
  paste("Synthetic n = 40, k = 6 items scored 0/1 (Rasch-like, set.seed(20240303)), 5 missing",
        "cells. alpha on 0/1 items is KR-20; kr20_listwise is KR-20 by its textbook formula",
        "(p*q and population variance) on the complete rows and equals listwise$raw_alpha."),
  dich, 0, 1, rep(FALSE, 6), extra = list(kr20_listwise = kr20))

# 6. zero_variance_item -----------------------------------------------------
set.seed(20240304)
zv <- local({
  n <- 20
  th <- rnorm(n)
  m <- sapply(1:5, function(j) likert(3 + th + rnorm(n, 0, 0.8), 1, 5))
  m[, 3] <- 4
  colnames(m) <- paste0("z", 1:5)
  m
})
make_case(
  "zero_variance_item",
  paste("Synthetic n = 20, k = 5, scale 1..5, complete (set.seed(20240304)); item z3 is 4 for",
        "everyone. psych::alpha drops z3 with a warning but 'still counts it in the score':",
        "its person score is (4 * mean(kept items) + z3 of the FIRST row) / 5, so psych's",
        "alpha$mean and alpha$sd are distorted (sd shrunk by 4/5) while the alpha statistics",
        "and items are those of the 4 kept items; feldt uses k = 4. alpha_without_constant is",
        "psych::alpha on the data without z3, which is what psyscore reports after dropping it.",
        "omega and splitHalf are run on the 4 kept items."),
  zv, 1, 5, rep(FALSE, 5), without_column = "z3")

# 7. reverse_keys_missing ---------------------------------------------------
set.seed(20240305)
rkm <- local({
  n <- 30; k <- 6
  th <- rnorm(n)
  m <- sapply(1:k, function(j) likert(3 + 0.9 * th + rnorm(n, 0, 0.9), 1, 5))
  m[, c(2, 5)] <- 6 - m[, c(2, 5)]          # raw answers of reverse-keyed items
  cells <- sample(setdiff(seq_len(n * k), 17 + (0:(k - 1)) * n), 17)  # not in row 17
  m[cells] <- NA
  m[17, ] <- NA                              # one respondent answered nothing
  colnames(m) <- paste0("r", 1:k)
  m
})
make_case(
  "reverse_keys_missing",
  paste("Synthetic n = 30, k = 6, scale 1..5 (set.seed(20240305)), items r2 and r5 reverse-keyed",
        "(6 - x), 17 random missing cells plus respondent 17 with no answer at all (23 missing",
        "cells, 12.8%), many ties. The all-missing row counts in n, in ase and in the Feldt",
        "N; its person score is NaN and is left out of mean and sd; item n counts answers.",
        "response_freq is on the raw (unreversed) answers."),
  rkm, 1, 5, c(FALSE, TRUE, FALSE, FALSE, TRUE, FALSE))

# 8. negative_alpha ---------------------------------------------------------
set.seed(20240306)
neg <- local({
  n <- 12
  th <- rnorm(n)
  m <- cbind(likert(3 + th + rnorm(n, 0, 0.5), 1, 5), likert(3 + th + rnorm(n, 0, 0.5), 1, 5),
             likert(3 - th + rnorm(n, 0, 0.5), 1, 5), likert(3 - th + rnorm(n, 0, 0.5), 1, 5))
  colnames(m) <- paste0("n", 1:4)
  m
})
make_case(
  "negative_alpha",
  paste("Synthetic n = 12, k = 4, scale 1..5, complete (set.seed(20240306)); items n3 and n4",
        "run against n1 and n2 and are deliberately NOT reverse-keyed, so raw alpha is",
        "negative. psych::alpha(check.keys = FALSE) warns that some items are negatively",
        "correlated with the total and should be reversed (recorded in warnings/messages).",
        "psych::omega flips the sign of items with a negative general loading before computing",
        "omega.tot (omega_detail.flipped_by_psych, omega_total_unflipped); splitHalf is run",
        "with check.keys = FALSE so it does not reverse them either. Every item's r_cor is",
        "null: sum(R with smc on the diagonal) is negative and psych's sqrt gives NaN",
        "('NaNs produced')."),
  neg, 1, 5, rep(FALSE, 4))

# 9. n_le_k -----------------------------------------------------------------
set.seed(20240311)
nlk <- local({
  n <- 5; k <- 6
  th <- rnorm(n)
  m <- sapply(1:k, function(j) likert(3 + 1.2 * th + rnorm(n, 0, 0.6), 1, 5))
  colnames(m) <- paste0("q", 1:k)
  m
})
make_case(
  "n_le_k",
  paste("Synthetic n = 5 respondents, k = 6 items, scale 1..5, complete (set.seed(20240311)),",
        "all inter-item correlations positive.",
        "Because n <= k psych::alpha leaves out the 'alpha se' column of alpha.drop, so every",
        "alpha_if_dropped.alpha_se is null. The correlation matrix is singular (rank <= 4),",
        "so smc comes from the pseudo-inverse."),
  nlk, 1, 5, rep(FALSE, 6))

# ICC cases -------------------------------------------------------------------
pre <- c(24, 31, 18, 27, 35, 22, 29, 26, 33, 20, 28, 25)
post <- c(17, 25, 16, 18, 27, 21, 24, 23, 23, 16, 16, 36)
make_icc("icc_pre_post_12",
         paste("The 12 pre/post MBI emotional-exhaustion sums of the docs/statistics.md worked example;",
               "rows = subjects, columns = occasions (pre, post)."),
         cbind(pre = pre, post = post))

set.seed(20240308)
raters <- local({
  n <- 10; k <- 4
  subj <- rnorm(n, 6, 1.6)
  bias <- c(-0.6, 0, 0.4, 1.0)
  m <- sapply(1:k, function(j) pmin(10, pmax(1, round(subj + bias[j] + rnorm(n, 0, 0.8)))))
  colnames(m) <- paste0("rater", 1:k)
  m
})
make_icc("icc_raters",
         paste("Synthetic 10 subjects x 4 raters (set.seed(20240308)), ratings 1..10 with rater",
               "biases, complete."),
         raters)

cat("done\n")
