package contracttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestSessionsLiveTheDefaultTTL: without WithSessionTTL a session expires 30 minutes after
// its checkout, the value openapi.yaml documents and a shop bounds its hold by, and the
// timer is armed for the oldest.
func TestSessionsLiveTheDefaultTTL(t *testing.T) {
	f := newTestFake(t)
	before := time.Now()
	first := newTestSession(t, f, "R-ttl-1")
	newTestSession(t, f, "R-ttl-2")
	after := time.Now()
	assert.Equal(t, 30*time.Minute, DefaultSessionTTL)
	assert.False(t, first.expires.Before(before.Add(DefaultSessionTTL)))
	assert.False(t, first.expires.After(after.Add(DefaultSessionTTL)))
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.NotNil(t, f.expiry)
	assert.Equal(t, first.expires, f.expiryDue, "the timer waits for the oldest session")
}
