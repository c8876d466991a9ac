# Reads the fixtures of make_fixtures.sh back with R's foreign package and
# writes what R sees as expected_*.json; also writes wave_r.dta with
# foreign::write.dta (an older Stata format, 7, with a labelled factor), so
# that psyscore is checked against files of two writers.
# R 4.2.2, foreign 0.8; run by make_fixtures.sh.
suppressPackageStartupMessages(library(foreign))

items <- paste0("gad_", 1:7)

as_json <- function(d, group) {
  rows <- vapply(seq_len(nrow(d)), function(i) {
    answers <- vapply(items, function(it) {
      x <- d[[it]][i]
      if (is.na(x)) "null" else format(x, digits = 17)
    }, "")
    sprintf('{"id":"%s","group":"%s","answers":[%s]}', format(d$id[i], digits = 17), as.character(group[i]),
            paste(answers, collapse = ","))
  }, "")
  paste0('{"respondents":[\n', paste(rows, collapse = ",\n"), "\n]}\n")
}

# SPSS: user-missing values (9) become NA, value labels become factor levels.
sav <- read.spss("wave.sav", to.data.frame = TRUE, use.value.labels = FALSE)
sav_labels <- read.spss("wave.sav", to.data.frame = TRUE, use.value.labels = TRUE)
writeLines(as_json(sav, sav_labels$group), "expected_sav.json", sep = "")

# Stata and SAS have no user-missing values: 9 stays 9 (off the GAD-7 scale).
# foreign reads Stata formats 5-12 only, so ReadStat's tool reads the format
# 118 wave.dta and the wave.sas7bdat, as CSV (value labels are not in it).
for (f in c("wave.dta", "wave.sas7bdat")) {
  d <- read.csv(pipe(paste("readstat", f, "-")))
  writeLines(as_json(d, d$group), paste0("expected_", sub(".", "_", f, fixed = TRUE), ".json"), sep = "")
}

# A second writer: R itself, Stata format 7, 9 recoded to NA first.
r <- sav
r$group <- sav_labels$group
write.dta(r[, c("id", "group", items)], "wave_r.dta", version = 7)
back <- read.dta("wave_r.dta", convert.factors = FALSE)
back_labels <- read.dta("wave_r.dta", convert.factors = TRUE)
writeLines(as_json(back, back_labels$group), "expected_r_dta.json", sep = "")

# psyscore's SPSS output (scores.sav) as R reads it: the bands come back as
# factor levels from the value labels, the variable labels as attributes.
scores <- read.spss("scores.sav", to.data.frame = TRUE)
labels <- attr(scores, "variable.labels")
rows <- vapply(seq_len(nrow(scores)), function(i) {
  num <- function(x) if (is.na(x)) "null" else format(x, digits = 17)
  band <- scores$total_band[i]
  sprintf('{"id":"%s","total":%s,"total_answered":%s,"total_band":%s}', trimws(scores$id[i]), num(scores$total[i]),
          num(scores$total_answered[i]), if (is.na(band)) "null" else paste0('"', as.character(band), '"'))
}, "")
writeLines(paste0('{"variable_labels":{', paste(sprintf('"%s":"%s"', names(labels), labels), collapse = ","),
                  '},\n"respondents":[\n', paste(rows, collapse = ",\n"), "\n]}\n"), "expected_scores_sav.json", sep = "")
