package assertions

// docs/codes.md, the reference table of every code, is generated from
// codes.go and the checks' source; a test fails when it is out of date.
//go:generate go run ./internal/gencodes -src . -o ../docs/codes.md
