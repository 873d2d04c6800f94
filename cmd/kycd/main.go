// Command kycd is the self-hosted identity-verification service. See `kycd --help`.
package main

import (
	"context"
	"os"

	"github.com/kycd/kycd/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout,
		Stderr: os.Stderr, Getenv: os.Getenv}))
}
