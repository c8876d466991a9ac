# Reference values for psyscore's reliable-change methods (scoring/stats/reliable_change):
# the RCI methods of the R package clinicalsignificance 2.1.0 (Claus, Wager &
# Bonnet; cs_distribution() and cs_combined(), functions calc_rci.cs_jt, _gln,
# _hll, _en, _nk, _ha, calc_cutoff_from_data and the summary of cs_combined),
# re-implemented here in plain R from the package's formulas, because the
# package itself is not installed where psyscore is developed.
#
# Run from the repository root:  Rscript tests/data/rci/make_fixtures.R
# Writes tests/data/rci/<data set>.json. CI never runs R.
#
# The data sets (see README.md in this folder) are the package's own
# claus_2020, jacobson_1989 and hechler_2014, copied as CSV. For claus_2020
# (HAM-D at measurements 1 and 4, reliability 0.80, functional mean 8 and SD 8,
# cut-off c, reliability_post 0.50 for NK) the script stops unless the counts
# equal the package's published test snapshots (tests/testthat/_snaps/
# cs_distribution.md and cs_combined.md of clinicalsignificance 2.1.0).
#
# Where psyscore departs from the package it is on purpose and written here:
# - cut-off b: the package takes m_functional -/+ 2 SD of the *clinical*
#   sample; Jacobson & Truax (1991) define b with the SD of the *functional*
#   population, as psyscore does. The fixtures carry both values (cutoff and
#   cutoff_package); categories for b follow psyscore.
# - the width of cut-offs a and b (2 SDs in the package) is a parameter
#   (sd_multiplier); the fixtures use 2.
# Numbers are written with 17 significant digits.

out_dir <- "tests/data/rci"

to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      parts <- vapply(names(x), function(k) paste0("\"", k, "\":", to_json(x[[k]])), "")
      return(paste0("{", paste(parts, collapse = ","), "}"))
    }
    return(paste0("[", paste(vapply(x, to_json, ""), collapse = ","), "]"))
  }
  scalar <- function(v) {
    if (is.na(v)) return("null")
    if (is.character(v)) return(paste0("\"", v, "\""))
    if (is.logical(v)) return(if (v) "true" else "false")
    if (!is.finite(v)) return("null")
    sprintf("%.17g", v)
  }
  vals <- vapply(seq_along(x), function(i) scalar(x[[i]]), "")
  if (inherits(x, "AsIs") || length(x) != 1) return(paste0("[", paste(vals, collapse = ","), "]"))
  vals
}

# --- the package's formulas ---------------------------------------------------
se_measurement <- function(sd_pre, rel) sd_pre * sqrt(1 - rel)
s_diff <- function(se_m) sqrt(2 * se_m^2)
se_prediction <- function(sd_pre, rel) sd_pre * sqrt(1 - rel^2)
reliability_ha <- function(sd, se_m) (sd^2 - se_m^2) / sd^2

# Per participant RCI of one method; `standard_error` is the method's
# denominator (for HA: sqrt(r_dd) * sqrt(2 se_m^2)).
rci_of <- function(method, pre, post, rel, rel_post) {
  m_pre <- mean(pre); sd_pre <- sd(pre); m_post <- mean(post); sd_post <- sd(post)
  r_dd <- NA
  if (method == "jt") {
    se <- s_diff(se_measurement(sd_pre, rel))
    rci <- (post - pre) / se
  } else if (method == "gln") {
    se <- se_prediction(sd_pre, rel)
    rci <- ((post - m_pre) - rel * (pre - m_pre)) / se
  } else if (method == "hll") {
    se <- se_prediction(sd_pre, rel)
    rci <- ((post - m_post) - rel * (pre - m_pre)) / se
  } else if (method == "en") {
    se <- se_measurement(sd_pre, rel)
    rci <- (post - (rel * (pre - m_pre) + m_pre)) / se
  } else if (method == "nk") {
    se <- sqrt(rel^2 * sd_pre^2 * (1 - rel) + sd_pre^2 * (1 - rel_post))
    rci <- (post - (rel * (pre - m_pre) + m_pre)) / se
  } else if (method == "ha") {
    se_m <- se_measurement(sd_pre, rel)
    r1 <- reliability_ha(sd_pre, se_m)
    r2 <- reliability_ha(sd_post, se_m)
    r <- cor(pre, post)
    r_dd <- (sd_pre^2 * r1 + sd_post^2 * r2 - 2 * sd_pre * sd_post * r) /
      (sd_pre^2 + sd_post^2 - 2 * sd_pre * sd_post * r)
    se <- sqrt(r_dd) * sqrt(2 * se_m^2)
    rci <- ((post - pre) * r_dd + (m_post - m_pre) * (1 - r_dd)) / se
  }
  list(rci = rci, standard_error = se, r_dd = r_dd)
}

# improved / unchanged / deteriorated, strictly beyond the critical value.
direction_category <- function(rci, direction, critical) {
  ifelse(direction * rci > critical, "improved", ifelse(direction * rci < -critical, "deteriorated", "unchanged"))
}

cutoff_jt <- function(type, m_c, sd_c, m_f, sd_f, direction, multiplier = 2) {
  switch(type,
         a = m_c + direction * multiplier * sd_c,
         b = m_f - direction * multiplier * sd_f,
         c = (sd_c * m_f + sd_f * m_c) / (sd_c + sd_f))
}
cutoff_jt_package_b <- function(m_c, sd_c, m_f, direction) m_f - direction * 2 * sd_c

cutoff_ha <- function(type, m_c, sd_c, r_c, m_f, sd_f, r_f, direction, multiplier = 2) {
  switch(type,
         a = m_c + direction * multiplier * sd_c * sqrt(r_c),
         b = m_f - direction * multiplier * sd_f * sqrt(r_f),
         c = (sd_c * sqrt(r_c) * m_f + sd_f * sqrt(r_f) * m_c) / (sd_c * sqrt(r_c) + sd_f * sqrt(r_f)))
}
cutoff_ha_package_b <- function(m_c, sd_c, r_c, m_f, direction) m_f - direction * 2 * sd_c * sqrt(r_c)

# cs_combined: recovered = clinical before, functional after and reliably
# improved; harmed = not clinical before, not functional after and reliably
# deteriorated.
combine <- function(category, clinical_pre, functional_post) {
  ifelse(category == "improved" & clinical_pre & functional_post, "recovered",
         ifelse(category == "deteriorated" & !clinical_pre & !functional_post, "harmed", category))
}

count_of <- function(x, levels) {
  as.list(setNames(vapply(levels, function(l) sum(x == l), 0), levels))
}

analyse <- function(name, ids, pre, post, direction, rel, rel_post, m_f, sd_f, note, source) {
  m_pre <- mean(pre); sd_pre <- sd(pre); m_post <- mean(post); sd_post <- sd(post)
  methods <- lapply(c("jt", "gln", "hll", "en", "nk", "ha"), function(method) {
    critical <- if (method == "ha") qnorm(1 - 0.05) else qnorm(1 - 0.05 / 2)
    r <- rci_of(method, pre, post, rel, rel_post)
    category <- direction_category(r$rci, direction, critical)
    # The same categories at psyscore's default criterion (1.96; HA 1.645 is
    # qnorm(0.95) itself) - the tests rely on them being equal on these data.
    if (method != "ha") stopifnot(identical(category, direction_category(r$rci, direction, 1.96)))
    clinical <- lapply(c("a", "b", "c"), function(type) {
      if (method != "ha") {
        cutoff <- cutoff_jt(type, m_pre, sd_pre, m_f, sd_f, direction)
        package_cutoff <- if (type == "b") cutoff_jt_package_b(m_pre, sd_pre, m_f, direction) else cutoff
        clinical_pre <- direction * pre < direction * cutoff
        functional_post <- direction * post > direction * cutoff
        cs_indiv <- NULL
        extra <- list()
      } else {
        se_m <- se_measurement(sd_pre, rel)
        r_c <- reliability_ha(sd_pre, se_m)
        r_post <- reliability_ha(sd_post, se_m)
        r_f <- reliability_ha(sd_f, se_m)
        cutoff <- cutoff_ha(type, m_pre, sd_pre, r_c, m_f, sd_f, r_f, direction)
        package_cutoff <- if (type == "b") cutoff_ha_package_b(m_pre, sd_pre, r_c, m_f, direction) else cutoff
        cs_indiv <- (m_post + (post - m_post) * r_post - cutoff) / (sqrt(r_post) * se_m)
        clinical_pre <- direction * pre < direction * cutoff
        functional_post <- clinical_pre & direction * cs_indiv > critical
        # The package's group-level summary of HA: the share of the group
        # that changed reliably and that is functional after treatment.
        change <- post - pre
        z_changed <- (0 - mean(change)) / (sd(change) * sqrt(r$r_dd))
        z_functional <- (cutoff - m_post) / (sd_post * sqrt(r_post))
        changed <- if (direction == 1) 1 - pnorm(z_changed) else pnorm(z_changed)
        functional <- if (direction == 1) 1 - pnorm(z_functional) else pnorm(z_functional)
        extra <- list(reliability_clinical = r_c, reliability_functional = r_f, reliability_post = r_post,
                      group_changed = changed, group_functional = functional)
      }
      combined <- combine(category, clinical_pre, functional_post)
      c(list(type = type, cutoff = cutoff, cutoff_package = package_cutoff,
             clinical_pre = I(clinical_pre), functional_post = I(functional_post),
             cs_indiv = if (is.null(cs_indiv)) NULL else I(cs_indiv), category = I(combined),
             counts = count_of(combined, c("recovered", "improved", "unchanged", "deteriorated", "harmed"))),
        extra)
    })
    list(method = method, criterion = critical, standard_error = r$standard_error, r_dd = r$r_dd,
         rci = I(r$rci), category = I(category),
         counts = count_of(category, c("improved", "unchanged", "deteriorated")), clinical = clinical)
  })
  names(methods) <- c("jt", "gln", "hll", "en", "nk", "ha")
  fixture <- list(note = note, source = source, direction = direction, reliability = rel,
                  reliability_post = rel_post, functional = list(mean = m_f, sd = sd_f),
                  clinical = list(mean = m_pre, sd = sd_pre), post_sample = list(mean = m_post, sd = sd_post),
                  r_pre_post = cor(pre, post), sd_multiplier = 2,
                  ids = I(as.character(ids)), pre = I(pre), post = I(post), methods = methods)
  writeLines(to_json(fixture), file.path(out_dir, paste0(name, ".json")))
  invisible(methods)
}

# --- claus_2020: the package's published results ------------------------------
claus <- read.csv(file.path(out_dir, "claus_2020.csv"))
two <- claus[claus$time %in% c(1, 4), c("id", "time", "hamd")]
wide <- reshape(two, idvar = "id", timevar = "time", direction = "wide")
wide <- wide[order(wide$id), ]
wide <- wide[!is.na(wide$hamd.1) & !is.na(wide$hamd.4), ]
stopifnot(nrow(wide) == 40)
claus_methods <- analyse("claus_2020", wide$id, wide$hamd.1, wide$hamd.4, direction = -1, rel = 0.80,
                         rel_post = 0.50, m_f = 8, sd_f = 8,
                         note = "HAM-D at measurements 1 and 4, lower is better; cut-off c is the package's snapshot",
                         source = "clinicalsignificance 2.1.0, data claus_2020")

# tests/testthat/_snaps/cs_distribution.md: improved, unchanged, deteriorated.
distribution_snapshot <- list(jt = c(29, 10, 1), en = c(32, 5, 3), hll = c(12, 16, 12), gln = c(29, 10, 1),
                              nk = c(28, 11, 1), ha = c(32, 7, 1))
# tests/testthat/_snaps/cs_combined.md (cut-off c): recovered, improved,
# unchanged, deteriorated, harmed.
combined_snapshot <- list(jt = c(26, 3, 10, 1, 0), en = c(26, 6, 5, 3, 0), hll = c(12, 0, 16, 11, 1),
                          gln = c(26, 3, 10, 1, 0), nk = c(26, 2, 11, 1, 0), ha = c(23, 9, 7, 1, 0))
for (method in names(distribution_snapshot)) {
  got <- unlist(claus_methods[[method]]$counts)
  if (!all(got == distribution_snapshot[[method]])) stop("distribution counts differ for ", method)
  got <- unlist(claus_methods[[method]]$clinical[[3]]$counts)
  if (!all(got == combined_snapshot[[method]])) stop("combined counts differ for ", method)
}
# The HA group-level summary of the snapshot (rounded there): changed 0.90, functional 0.76.
ha_c <- claus_methods$ha$clinical[[3]]
stopifnot(round(ha_c$group_changed, 2) == 0.90, round(ha_c$group_functional, 2) == 0.76)

# --- jacobson_1989: higher is better (DAS) and lower is better (GDS) ----------
jac <- read.csv(file.path(out_dir, "jacobson_1989.csv"))
jpre <- jac[jac$time == "pre", ]
jpost <- jac[jac$time == "post", ]
stopifnot(identical(jpre$subject, jpost$subject))
# Reliabilities and functional norms are illustrative values for a test, not
# recommendations.
analyse("jacobson_1989_das", jpre$subject, jpre$das, jpost$das, direction = 1, rel = 0.93, rel_post = 0.90,
        m_f = 114.8, sd_f = 17.8, note = "Dyadic Adjustment Scale, higher is better",
        source = "clinicalsignificance 2.1.0, data jacobson_1989")
gds <- !is.na(jpre$gds) & !is.na(jpost$gds)
analyse("jacobson_1989_gds", jpre$subject[gds], jpre$gds[gds], jpost$gds[gds], direction = -1, rel = 0.87, rel_post = 0.85,
        m_f = 50, sd_f = 10, note = "Global Distress Scale, lower is better; 4 without a post score",
        source = "clinicalsignificance 2.1.0, data jacobson_1989")

# --- hechler_2014: pain-related disability, lower is better, with missing post
hech <- read.csv(file.path(out_dir, "hechler_2014.csv"))
hwide <- reshape(hech, idvar = "patient", timevar = "measurement", direction = "wide")
hwide <- hwide[!is.na(hwide$disability.1) & !is.na(hwide$disability.2), ]
analyse("hechler_2014", hwide$patient, hwide$disability.1, hwide$disability.2, direction = -1, rel = 0.91,
        rel_post = 0.88, m_f = 9, sd_f = 9, note = "pain-related disability, lower is better",
        source = "clinicalsignificance 2.1.0, data hechler_2014")

cat("claus_2020 counts equal the package's snapshots for jt, gln, hll, en, nk and ha\n")
cat("wrote", length(list.files(out_dir, "json$")), "fixtures to", out_dir, "\n")
