package cli

import (
	"context"
	"fmt"
)

// rotateKeys makes a new master key primary (key-file mode), re-wraps every file's data key and
// every sealed webhook secret under it, then retires the keys no longer used. Files themselves
// are not re-encrypted: only their data keys change wrapping. It is safe to run again after an
// interruption: a data key already under the primary is left as it is.
func rotateKeys(ctx context.Context, env Env, a *app) error {
	if a.cfg.Files.KeyURL == "" {
		id, err := a.files.RotateMasterKey(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "new primary master key %s\n", id)
	} else {
		fmt.Fprintf(env.Stdout, "KMS key URL in use: re-wrapping under %s\n", a.files.PrimaryKeyID())
	}
	n, err := a.svc.RewrapAll(ctx, a.files)
	if err != nil {
		return fmt.Errorf("re-wrapped %d data keys, then: %w", n, err)
	}
	fmt.Fprintf(env.Stdout, "re-wrapped %d file data keys and webhook secrets\n", n)
	if a.cfg.Files.KeyURL == "" {
		retired, err := a.files.RetireKeys(ctx, []string{a.files.PrimaryKeyID()})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "retired %d old master keys\n", len(retired))
	}
	return nil
}
