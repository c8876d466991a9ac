# Reference values for psyscore's controlled pre/post analysis (ANCOVA of the
# post score adjusted for the pre score, by group) from R 4.2 and emmeans 1.8.
# Run from the repository root:  Rscript tests/data/controlled/make_fixtures.R
# Writes tests/data/controlled/ancova_<case>.json. CI never runs R.
#
# Per case: the data (group, pre, post; null = missing), the reference group,
# and, for ci_level 0.95 and 0.90,
#   lm(post ~ pre + group) with group a factor whose first level is the reference:
#     summary() coefficients, confint(), r.squared, adj.r.squared, sigma, df
#   drop1(model, test = "F") for group, partial eta squared from it
#   emmeans(model, ~ group) (pre at its mean)
#   the pre x group interaction: anova(model, lm(post ~ pre * group))
#   t.test(post - pre ~ group) (Welch) for two groups
#   per group paired descriptives of the complete pairs
# Numbers are written with 17 significant digits; NA as null.

suppressPackageStartupMessages(library(emmeans))
out_dir <- "tests/data/controlled"

# A minimal JSON writer that keeps every digit of a double.
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

describe <- function(v) list(mean = mean(v), sd = if (length(v) > 1) sd(v) else NA)

analyse <- function(name, group, pre, post, reference, note) {
  levels <- c(reference, setdiff(unique(group), reference))
  d <- data.frame(group = factor(group, levels = levels), pre = pre, post = post)
  complete <- d[!is.na(d$pre) & !is.na(d$post), ]

  model <- lm(post ~ pre + group, data = d)
  s <- summary(model)
  co <- s$coefficients
  dropped <- drop1(model, test = "F")
  ss_group <- dropped["group", "Sum of Sq"]
  rss <- deviance(model)
  interaction <- anova(model, lm(post ~ pre * group, data = d))

  at_level <- function(level) {
    ci <- confint(model, level = level)
    em <- summary(emmeans(model, ~ group), level = level, infer = c(TRUE, FALSE))
    coefficients <- lapply(seq_len(nrow(co)), function(i) list(
      term = rownames(co)[i], estimate = co[i, 1], se = co[i, 2], t = co[i, 3], p = co[i, 4],
      lower = ci[i, 1], upper = ci[i, 2]))
    means <- lapply(seq_len(nrow(em)), function(i) list(
      group = as.character(em$group[i]), estimate = em$emmean[i], se = em$SE[i], df = em$df[i],
      lower = em$lower.CL[i], upper = em$upper.CL[i]))
    welch <- NULL
    if (length(levels) == 2) {
      tt <- t.test(I(post - pre) ~ group, data = complete, conf.level = level)
      welch <- list(t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
                    estimate = unname(tt$estimate[1] - tt$estimate[2]),
                    lower = tt$conf.int[1], upper = tt$conf.int[2])
    }
    list(ci_level = level, coefficients = coefficients, adjusted_means = means, change_welch = welch)
  }

  groups <- lapply(levels, function(g) {
    rows <- complete[complete$group == g, ]
    list(name = g, n_pairs = nrow(rows), pre = describe(rows$pre), post = describe(rows$post),
         difference = describe(rows$post - rows$pre))
  })
  # Baseline balance: the largest difference between group pre means in units
  # of the pooled within-group SD of the pre scores (of the complete pairs).
  pre_means <- tapply(complete$pre, complete$group, mean)
  pooled_sd <- sqrt(sum(tapply(complete$pre, complete$group, function(v) sum((v - mean(v))^2))) /
                      (nrow(complete) - length(levels)))

  fixture <- list(
    note = note,
    reference = reference,
    data = list(group = I(as.character(group)), pre = I(pre), post = I(post)),
    groups = groups,
    n = nrow(complete),
    df_residual = model$df.residual,
    r_squared = s$r.squared,
    adj_r_squared = s$adj.r.squared,
    sigma = s$sigma,
    group_test = list(f = dropped["group", "F value"], num_df = dropped["group", "Df"],
                      den_df = model$df.residual, p = dropped["group", "Pr(>F)"],
                      sum_of_squares = ss_group, rss = rss),
    partial_eta_squared = ss_group / (ss_group + rss),
    interaction_test = list(f = interaction$F[2], num_df = interaction$Df[2], den_df = interaction$Res.Df[2],
                            p = interaction[["Pr(>F)"]][2]),
    baseline_difference_sd = (max(pre_means) - min(pre_means)) / pooled_sd,
    results = list(at_level(0.95), at_level(0.90)))
  writeLines(to_json(fixture), file.path(out_dir, paste0("ancova_", name, ".json")))
}

set.seed(151)
make_group <- function(n, pre_mean, effect, slope = 0.6, noise = 4) {
  pre <- round(rnorm(n, pre_mean, 6))
  post <- round(5 + slope * pre + effect + rnorm(n, 0, noise))
  list(pre = pre, post = post)
}

# Two groups of 20, a Balint group better by about 4 points at post.
a <- make_group(20, 25, -4)
b <- make_group(20, 25, 0)
analyse("two_groups", c(rep("balint", 20), rep("waitlist", 20)), c(a$pre, b$pre), c(a$post, b$post),
        "waitlist", "two groups of 20, reference waitlist (second in the data)")

# Three groups, reference first in the data.
c3 <- make_group(15, 24, -2)
analyse("three_groups", c(rep("waitlist", 20), rep("balint", 20), rep("seminar", 15)),
        c(b$pre, a$pre, c3$pre), c(b$post, a$post, c3$post), "waitlist",
        "three groups (20, 20, 15), reference waitlist")

# Unbalanced: 30 against 7, the small group starting higher.
u1 <- make_group(30, 22, -3)
u2 <- make_group(7, 27, 0)
analyse("unbalanced", c(rep("balint", 30), rep("control", 7)), c(u1$pre, u2$pre), c(u1$post, u2$post),
        "control", "30 against 7, the control group starting about 5 points higher")

# Missing post (and one missing pre): lm drops those rows.
m1 <- make_group(18, 25, -4)
m2 <- make_group(16, 25, 0)
post_missing <- c(m1$post, m2$post)
post_missing[c(3, 9, 22, 30)] <- NA
pre_missing <- c(m1$pre, m2$pre)
pre_missing[14] <- NA
analyse("missing_post", c(rep("balint", 18), rep("waitlist", 16)), pre_missing, post_missing, "waitlist",
        "four missing post scores and one missing pre score: 29 complete pairs")

# A group of 6 against 12; the slopes differ between the groups.
s1 <- make_group(6, 24, 6, slope = 0.1)
s2 <- make_group(12, 24, 0, slope = 0.9)
analyse("group_of_6", c(rep("balint", 6), rep("waitlist", 12)), c(s1$pre, s2$pre), c(s1$post, s2$post),
        "waitlist", "a group of 6 against 12, with different pre-post slopes")

# Three groups with one of 6.
t1 <- make_group(10, 20, -3)
t2 <- make_group(6, 21, -1)
t3 <- make_group(11, 20, 0)
analyse("three_groups_with_6", c(rep("a", 10), rep("b", 6), rep("c", 11)), c(t1$pre, t2$pre, t3$pre),
        c(t1$post, t2$post, t3$post), "c", "three groups of 10, 6 and 11, reference c (last in the data)")

# Real data: the HAM-D of Claus et al. (2020), treatment as usual (TAU) against
# a positive-activities programme (PA), at the first and fourth measurement
# (data set claus_2020 of the R package clinicalsignificance; see
# tests/data/rci/README.md). Three participants lack the fourth measurement.
claus <- read.csv("tests/data/rci/claus_2020.csv")
wide <- reshape(claus[claus$time %in% c(1, 4), c("id", "treatment", "time", "hamd")],
                idvar = c("id", "treatment"), timevar = "time", direction = "wide")
analyse("claus_2020", as.character(wide$treatment), wide$hamd.1, wide$hamd.4, "TAU",
        "claus_2020 HAM-D, measurement 1 and 4, TAU against PA")

cat("wrote", length(list.files(out_dir, "^ancova_.*json$")), "fixtures to", out_dir, "\n")
