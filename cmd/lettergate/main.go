// Command lettergate checks letter PDFs against the layout rules of the
// print-and-mail service Pingen, renders letters from templates, and sends
// valid ones through Pingen's API.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// env is what a command may touch of the outside world. Commands get it
// injected so that tests run them in-process and read their output.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// stdoutTTY and stderrTTY say whether the streams are terminals, for
	// colour and progress bars.
	stdoutTTY, stderrTTY bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
	os.Exit(run(ctx, e, os.Args[1:]))
}

// Exit statuses of every command.
const (
	exitOK       = 0
	exitFindings = 1 // the command ran; some file has a problem
	exitError    = 2 // the command could not run
)

// exitCodeError carries an exit status other than exitError up to run.
type exitCodeError struct {
	code int
	err  error // nil: nothing to print, the output said it all
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitCodeError) Unwrap() error { return e.err }

// run executes the command line args and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	root := newRootCmd(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitError
	var ec *exitCodeError
	if errors.As(err, &ec) {
		code = ec.code
		err = ec.err
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "lettergate: %s\n", oneLine(err.Error()))
	}
	return code
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "lettergate",
		Short: "Stop bad letters before they cost money",
		Long: `lettergate checks letter PDFs against the layout rules of the print-and-mail
service Pingen (page format, blank border zones, the recipient address in the
envelope window, page and size limits), explains every problem in millimetres,
renders correct letters from templates, and sends valid PDFs to Pingen.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%s: %w (see %s --help)", cmd.CommandPath(), err, cmd.CommandPath())
	})
	root.CompletionOptions.DisableDefaultCmd = true
	for _, c := range commands {
		root.AddCommand(c(e))
	}
	return root
}

// commands lists the constructors of the subcommands, in the order of the
// help output.
var commands = []func(*env) *cobra.Command{
	newCheckCmd,
	newPreviewCmd,
	newRenderCmd,
	newTemplatesCmd,
	newSendCmd,
	newStatusCmd,
	newCancelCmd,
	newRulesCmd,
	newVersionCmd,
}

// oneLine keeps an error to one line, as a terminal user expects.
func oneLine(s string) string {
	head, suggestions, ok := strings.Cut(s, "\n\nDid you mean this?\n")
	if ok { // cobra's suggestion for a mistyped command
		s = head + " (did you mean " + strings.Join(strings.Fields(suggestions), " or ") + "?)"
	}
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}
