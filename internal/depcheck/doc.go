// Package depcheck holds a test of what importing freshet costs: the
// modules a program that imports only the engine and kinesistest gets in
// its module graph.
package depcheck
