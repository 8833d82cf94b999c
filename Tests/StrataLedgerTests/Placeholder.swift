// Placeholder until this target lands; removed when it does.
