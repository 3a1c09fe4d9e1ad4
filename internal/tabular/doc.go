// Package tabular reads and writes the tables egdi exchanges with people and
// other tools: input CSV files for `egdi compute`, and ranking tables as
// CSV. Every reader treats its input as untrusted: a problem is reported as
// an *egdi.InputError naming the file, row and column, never as a panic or
// a silent zero.
package tabular
