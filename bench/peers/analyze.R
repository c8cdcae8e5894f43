# The sample 2 x 2 forced swim study (imipramine x zinc) analysed as a lab would in R:
# unblind with the allocation key, immobility in minutes 3-6, exclusions, two-way ANOVA
# (Type III, car), Tukey on the cells, one figure (ggplot2, 300 dpi PNG).
# Usage: Rscript analyze.R STUDY_DIR OUT_DIR
suppressPackageStartupMessages({ library(car); library(ggplot2) })
args <- commandArgs(trailingOnly = TRUE)
study <- args[1]; out <- args[2]
scores <- read.csv(file.path(study, "sheets/scoring.csv"), stringsAsFactors = FALSE)
key <- read.csv(file.path(study, "key/allocation-key.csv"), stringsAsFactors = FALSE)
d <- merge(scores, key[, c("blind_code", "group", "drug", "zinc")], by = "blind_code")
d <- d[is.na(d$excluded) | d$excluded != "yes", ]
d <- d[d$water_temperature_c >= 23 & d$water_temperature_c <= 25, ]
d$immobility_s <- d$immobility_min3_s + d$immobility_min4_s + d$immobility_min5_s + d$immobility_min6_s
d$drug <- factor(d$drug); d$zinc <- factor(d$zinc)
options(contrasts = c("contr.sum", "contr.poly"))
fit <- aov(immobility_s ~ drug * zinc, data = d)
print(Anova(fit, type = 3))
print(TukeyHSD(aov(immobility_s ~ group, data = d)))
p <- ggplot(d, aes(group, immobility_s)) + geom_jitter(width = 0.1) +
  stat_summary(fun = mean, geom = "crossbar", width = 0.4) + theme_classic()
ggsave(file.path(out, "immobility.png"), p, width = 85, height = 70, units = "mm", dpi = 300)
