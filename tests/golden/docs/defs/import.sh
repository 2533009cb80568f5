# docs/measurement.md: "imported with charter import --db defs.db defs.charter defs.csv"
charter import --db defs.db defs.charter defs.csv
