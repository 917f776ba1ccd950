package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// binaryEnv names the environment variable holding the path of the server
// binary: TestMain sets it after building, or uses a binary given there.
const binaryEnv = "TENANTRY_E2E_BINARY"

// TestMain builds the server binary once for every test of the package.
func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Getenv(binaryEnv) == "" && wantPostgres() {
		dir, err := os.MkdirTemp("", "tenantry-e2e-")
		if err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "tenantry")
		if err := build(bin); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
			return 1
		}
		os.Setenv(binaryEnv, bin)
	}
	return m.Run()
}

// wantPostgres reports whether the PostgreSQL tests will run (or must run
// and fail), so that a binary is worth building.
func wantPostgres() bool {
	return os.Getenv("TENANTRY_TEST_DATABASE_URL") != "" || os.Getenv("TENANTRY_TEST_REQUIRE_POSTGRES") == "1"
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

// binary returns the server binary built by TestMain.
func binary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv(binaryEnv)
	if bin == "" {
		t.Fatalf("%s is unset: TestMain did not build the server", binaryEnv)
	}
	return bin
}
