package client

import "time"

// What package client's external tests (package client_test, which may import contracttest)
// share with its internal ones.
var (
	TestClient     = testClient
	DocsRequest    = docsRequest
	LakipayKey     = lakipayKey
	AssertNoSecret = assertNoSecret
	ClosedAddr     = closedAddr
)

// TestSecret is the canary secret of TestClient's key.
const TestSecret = testSecret

// Recorded returns the waits the client asked for.
func (s *sleeper) Recorded() []time.Duration { return s.recorded() }

// SetHook runs hook(n) at the client's n-th wait.
func (s *sleeper) SetHook(hook func(n int)) { s.hook = hook }
