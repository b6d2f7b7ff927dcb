// Package dashboard is the fake LakiPay's dashboard as files: its page, script and style sheet
// (plain HTML, CSS and JavaScript, embedded: no build step, no framework), served with a
// policy that lets no inline script or style run, and the same page made into one
// self-contained file (a snapshot) with the data inlined. The JSON it reads is the fake's.
package dashboard

import (
	"crypto/sha256"
	_ "embed" // the dashboard's page, script and style sheet
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The dashboard's files, served as they are (no build step, no framework).
var (
	//go:embed index.html
	indexHTML string
	//go:embed app.js
	appJS string
	//go:embed style.css
	styleCSS string
)

// Path is where the fake serves its dashboard (also at /_mock/), and its files below it.
const Path = "/_mock/dashboard"

// csp is the Content-Security-Policy of the dashboard and its JSON: scripts and
// styles from the fake's own origin only, never inline; nothing else loaded, no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Headers sets the headers every answer of the dashboard carries: the policy that
// keeps anything a merchant, shopper or receiver typed from running as code, and no
// sniffing, framing, caching or referrer.
func Headers(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// ServePage answers the dashboard's page.
func ServePage(w http.ResponseWriter, _ *http.Request) {
	serve(w, "text/html; charset=utf-8", indexHTML)
}

// ServeFile answers the dashboard's file name (app.js, style.css) and reports whether it has
// one of that name; it answers nothing when it has none.
func ServeFile(w http.ResponseWriter, name string) bool {
	switch name {
	case "app.js":
		serve(w, "text/javascript; charset=utf-8", appJS)
	case "style.css":
		serve(w, "text/css; charset=utf-8", styleCSS)
	default:
		return false
	}
	return true
}

// serve answers 200 with body, its headers and contentType.
func serve(w http.ResponseWriter, contentType, body string) {
	Headers(w)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, body)
}

// The tags of index.html that a snapshot replaces by what they load.
const (
	charsetTag    = `<meta charset="utf-8">`
	stylesheetTag = `<link rel="stylesheet" href="dashboard/style.css">`
	scriptTag     = `<script src="dashboard/app.js"></script>`
)

// Snapshot returns the page as one self-contained file: index.html with its style sheet and
// script inlined, data (JSON, its
// < > & escaped) in a non-executable block before the script, and a policy that lets exactly
// the inlined style sheet and script run, by their hashes.
func Snapshot(data []byte) ([]byte, error) {
	for _, tag := range []string{charsetTag, stylesheetTag, scriptTag} {
		if strings.Count(indexHTML, tag) != 1 {
			return nil, fmt.Errorf("contracttest: index.html holds %q %d times, want once", tag, strings.Count(indexHTML, tag))
		}
	}
	lower := strings.ToLower(appJS + styleCSS)
	if strings.Contains(lower, "</script") || strings.Contains(lower, "</style") || strings.Contains(lower, "<!--") {
		return nil, errors.New("contracttest: the dashboard's script or style sheet would end its inline element")
	}
	if strings.Contains(string(data), "<") {
		return nil, errors.New("contracttest: the snapshot's data holds an unescaped <")
	}
	csp := "default-src 'none'; script-src '" + hashSource(appJS) + "'; style-src '" + hashSource(styleCSS) +
		"'; object-src 'none'; base-uri 'none'; form-action 'none'"
	page := strings.NewReplacer(
		charsetTag, charsetTag+"\n"+`<meta http-equiv="Content-Security-Policy" content="`+csp+`">`,
		stylesheetTag, "<style>"+styleCSS+"</style>",
		scriptTag, `<script id="snapshot" type="application/json">`+string(data)+"</script>\n<script>"+appJS+"</script>",
	).Replace(indexHTML)
	return []byte(page), nil
}

// hashSource is the CSP source that allows an inline element whose text is text.
func hashSource(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
