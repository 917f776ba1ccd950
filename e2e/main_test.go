package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// binaryEnv names the environment variable holding the path of a server
// binary to test instead of building one.
const binaryEnv = "TENANTRY_E2E_BINARY"

// built is the server binary the package's tests share, built by the
// first test that needs one (SQLite's run with nothing configured too),
// and removed when they are done.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// TestMain runs the tests, then removes the binary they built.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binary returns the server binary: the one binaryEnv names, else one
// built once for every test of the package.
func binary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv(binaryEnv); bin != "" {
		return bin
	}
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "tenantry-e2e-")
		if built.err == nil {
			built.bin = filepath.Join(built.dir, "tenantry")
			built.err = build(built.bin)
		}
	})
	if built.err != nil {
		t.Fatalf("e2e: %v", built.err)
	}
	return built.bin
}

// build compiles ./cmd/tenantry into bin, without the race detector
// whatever flags the test itself runs with.
func build(bin string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/tenantry/tenantry/cmd/tenantry")
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build ./cmd/tenantry: %w\n%s", err, out)
	}
	return nil
}
