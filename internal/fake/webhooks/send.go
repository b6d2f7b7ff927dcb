package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// MarkerHeader is the header every request the fake sends to a callback_url carries (LakiPay
// sends no such header), and which every /_mock/ endpoint refuses: a callback_url that names
// a control path of the fake must not script it.
const MarkerHeader = "X-Lakipay-Mock-Webhook"

// The bounds of what an attempt reads of a receiver's answer.
const (
	// AnswerLimit is how much of a receiver's answer body an [Attempt] keeps, as text.
	AnswerLimit = 1 << 10
	// maxAnswerBody is how much of it an attempt reads.
	maxAnswerBody = 64 << 10
	// maxAnswerHeaderBytes bounds a receiver's answer headers (net/http's default is 10 MiB
	// per attempt, so a receiver streaming headers without end held 10 MiB per worker);
	// beyond it the attempt fails, with net/http's "server response headers exceeded 8192
	// bytes".
	maxAnswerHeaderBytes = 8 << 10
)

// Attempt is what one POST of a webhook got.
type Attempt struct {
	// N counts the webhook's attempts from 1.
	N int
	// Time is when the attempt started; Latency how long it took, from dialling to reading
	// the answer.
	Time    time.Time
	Latency time.Duration
	// Status is the receiver's HTTP status (a redirect is not followed: its 3xx is the
	// answer), 0 when there was none.
	Status int
	// Err says why there was no answer ("" when there was one).
	Err string
	// Closed is set when there was no answer because the receiver closed or reset the
	// connection it had accepted (never for a timeout, nor for a connection refused).
	Closed bool
	// Answer is the start of the answer body as text: at most AnswerLimit bytes, cut at a
	// character boundary, invalid UTF-8 replaced by U+FFFD. AnswerSize is how many bytes of
	// it were read (at most 64 KiB).
	Answer     string
	AnswerSize int
}

// OK reports whether the receiver accepted the webhook (a 2xx answer).
func (a Attempt) OK() bool { return a.Status >= 200 && a.Status < 300 }

// newClient returns the HTTP client of workers workers: connections reused and bounded by
// the workers, answers' headers bounded, redirects never followed.
func newClient(workers int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:   true,
			MaxIdleConns:        workers,
			MaxIdleConnsPerHost: workers,
			MaxConnsPerHost:     workers,
			IdleConnTimeout:     30 * time.Second,
			// A few KiB is plenty for an answer to a webhook.
			MaxResponseHeaderBytes: maxAnswerHeaderBytes,
		},
		// A redirect is the receiver's answer, never followed: following it would record the
		// target's status (a GET without the body after a 302) or post the webhook elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// post sends one attempt of j, bounded as a whole (dial, request, answer's headers, at most
// 8 KiB, and up to 64 KiB of its body) by j's timeout, and notes in a the receiver's status,
// or why there was none, the start of its answer's body, and an accepted connection that the
// receiver closed without an answer.
func (q *Queue[T]) post(parent context.Context, j *Job[T], a *Attempt) {
	ctx, cancel := context.WithTimeout(parent, j.Timeout)
	defer cancel()
	var connected atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }})
	var body io.Reader = bytes.NewReader(j.Body)
	if j.Pad > 0 && len(j.Body) > 0 {
		body = io.MultiReader(bytes.NewReader(j.Body[:1]), io.LimitReader(spaces{}, int64(j.Pad)), bytes.NewReader(j.Body[1:]))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, body)
	if err != nil {
		a.Err = err.Error()
		return
	}
	req.ContentLength = int64(len(j.Body) + j.Pad)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lakipay-fake (contracttest)")
	req.Header.Set(MarkerHeader, "1") // refused by the fake's own /_mock/ endpoints
	resp, err := q.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
			a.Err = fmt.Sprintf("no answer within %s (the webhook timeout)", j.Timeout)
			return
		}
		a.Closed = connected.Load() && ctx.Err() == nil
		a.Err = err.Error()
		return
	}
	defer func() { _ = resp.Body.Close() }()
	a.Answer, a.AnswerSize = readAnswer(resp.Body)
	a.Status = resp.StatusCode
}

// spaces reads as an endless run of spaces: the padding of an oversized body, never held in
// memory.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// readAnswer reads a receiver's answer body, at most maxAnswerBody bytes, and returns its
// start as text (at most AnswerLimit bytes, cut at a character boundary, invalid UTF-8
// replaced) and how many bytes it read.
func readAnswer(body io.Reader) (string, int) {
	head := make([]byte, AnswerLimit+utf8.UTFMax) // whole the character the limit may cut
	n, _ := io.ReadFull(body, head)
	rest, _ := io.Copy(io.Discard, io.LimitReader(body, maxAnswerBody-int64(n)))
	return strings.ToValidUTF8(Excerpt(string(head[:n]), AnswerLimit), "\uFFFD"), n + int(rest)
}

// Excerpt returns the longest start of an answer of at most n bytes that cuts no character.
func Excerpt(answer string, n int) string {
	if len(answer) <= n {
		return answer
	}
	for n > 0 && !utf8.RuneStart(answer[n]) {
		n--
	}
	return answer[:n]
}
