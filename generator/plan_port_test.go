package generator

import (
	"strings"
	"testing"
)

func portNamed(t *testing.T, p *packagePlan, name string) *portPlan {
	t.Helper()
	for _, pp := range p.ports {
		if pp.name == name {
			return pp
		}
	}
	t.Fatalf("no plan for port %s", name)
	return nil
}

// TestPlanPortSpawners pins what a port's plan decides for its rendering:
// the names of its type and of both spawners, and whether it waits for
// replies (and so needs isolategenWait).
func TestPlanPortSpawners(t *testing.T) {
	for _, tc := range []struct {
		dir, name, portType, spawn, spawnPool string
		waits                                 bool
	}{
		{"port", "Ledger", "LedgerPort", "SpawnLedger", "SpawnLedgerPool", true},
		{"portoneway", "Sink", "SinkPort", "SpawnSink", "SpawnSinkPool", false}, // one-way methods only
	} {
		p, errs := planDir(t, tc.dir)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		pp := portNamed(t, p, tc.name)
		if pp.portType != tc.portType || pp.spawn != tc.spawn || pp.spawnPool != tc.spawnPool {
			t.Errorf("%s: names %s %s %s, want %s %s %s", tc.name, pp.portType, pp.spawn, pp.spawnPool, tc.portType, tc.spawn, tc.spawnPool)
		}
		if pp.waits != tc.waits {
			t.Errorf("%s: waits = %v, want %v", tc.name, pp.waits, tc.waits)
		}
	}
}

// TestPlanPortSpawnerClashes: a declaration named as a pool spawner, and a
// port I beside a port IPool (whose SpawnIPool is I's pool spawner), are
// errors, and neither port is planned.
func TestPlanPortSpawnerClashes(t *testing.T) {
	p, errs := planDir(t, "porterrors")
	want := map[string]int{ // message → line
		"SpawnGaugePool is declared here, but the port of Gauge is generated under that name": 63,
		"port TapPool would be started by SpawnTapPool, the name of port Tap's pool spawner":  75,
	}
	for _, e := range errs {
		for msg, line := range want {
			if strings.HasPrefix(e.Msg, msg) {
				if e.Pos.Line != line {
					t.Errorf("%q at line %d, want %d", msg, e.Pos.Line, line)
				}
				delete(want, msg)
			}
		}
	}
	for msg := range want {
		t.Errorf("no error %q in %v", msg, errs)
	}
	for _, pp := range p.ports {
		if pp.name == "Gauge" || pp.name == "TapPool" {
			t.Errorf("port %s planned despite its clash", pp.name)
		}
	}
	// Tap itself is fine: only the later name is reported.
	portNamed(t, p, "Tap")
}
