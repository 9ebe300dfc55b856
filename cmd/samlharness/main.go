// Command samlharness tests SAML single sign-on between AWS IAM Identity
// Center and Twilio Frontline offline, by emulating both sides.
//
// Exit status: 0 when the command succeeded, 1 when a login or check was
// rejected, 2 when the harness could not run (usage, configuration or
// file errors).
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}

// run runs the command line args with the process's stdin, clock and
// randomness, printing results to stdout and diagnostics to stderr. Its
// error, if any, is already printed; [exitCode] maps it to the exit
// status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a := &app{
		stdin:  os.Stdin,
		stdout: stdout,
		stderr: stderr,
		now:    time.Now,
		rand:   rand.Reader,
	}
	return a.run(ctx, args)
}

// An app is one run of the command line: where it reads and writes, and
// its clock and randomness, which tests replace.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	rand           io.Reader

	// configPath is the --config flag.
	configPath string
}

// run executes args and prints any error as a diagnostic.
func (a *app) run(ctx context.Context, args []string) error {
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	if err != nil {
		a.report(err)
	}
	return err
}

// The exit statuses.
const (
	exitOK       = 0
	exitRejected = 1
	exitUsage    = 2
)

// An exitError decides the exit status of a failed run and may carry a
// hint: one line telling the user what to do about it.
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a wrong command line, flag or argument.
func usageError(err error, hint string) error {
	return &exitError{code: exitUsage, err: err, hint: hint}
}

// setupError is a configuration or file the harness cannot use.
func setupError(err error, hint string) error {
	return &exitError{code: exitUsage, err: err, hint: hint}
}

// rejectedError is a login or check that ran and failed.
func rejectedError(err error, hint string) error {
	return &exitError{code: exitRejected, err: err, hint: hint}
}

// exitCode returns the exit status for err: [exitOK] for nil, the code of
// an [exitError], and [exitUsage] for any other error, since the harness
// then could not do its job.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitUsage
}

// report prints err to stderr, one "samlharness: error:" line per joined
// error, then its hint.
func (a *app) report(err error) {
	var ee *exitError
	if errors.As(err, &ee) {
		err = ee.err
	}
	// errors.Join puts one error a line; a message with several %w verbs
	// stays one line, its text whole.
	for _, line := range strings.Split(err.Error(), "\n") {
		if line != "" {
			fmt.Fprintf(a.stderr, "samlharness: error: %s\n", line)
		}
	}
	if ee != nil && ee.hint != "" {
		fmt.Fprintf(a.stderr, "hint: %s\n", ee.hint)
	}
}
