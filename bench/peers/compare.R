# One-way ANOVA and Tukey's HSD on a large table, as a lab would in R.
# Usage: Rscript compare.R FILE.csv
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = TRUE)
fit <- aov(immobility_s ~ group, data = d)
print(summary(fit))
print(TukeyHSD(fit))
