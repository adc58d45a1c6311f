// Package searchtest is a small in-memory server of the OpenSearch (and
// Elasticsearch) _bulk and _search APIs, for the tests of searchsink and connect/config: no
// OpenSearch server can run where freshet is tested.
//
// Behavior: it follows the documented bulk semantics. The body is NDJSON:
// an action line ({"index"|"create"|"update"|"delete": {"_index", "_id",
// "if_seq_no", "if_primary_term"}}), then, except for delete, a source
// line; the body must end with a newline. The index comes from the action
// or from the URL (/{index}/_bulk). A malformed action line, a missing
// source line, a missing index or an update or delete without an id fails
// the whole request with 400. Otherwise each action gets its own result,
// in order, under the name of its action: index answers 201 "created" or
// 200 "updated"; create answers 409 version_conflict_engine_exception for
// an existing id; update merges "doc" into the stored document (or stores
// "upsert", or "doc" with "doc_as_upsert"), answers 404
// document_missing_exception for a missing document without upsert, and
// "noop" when nothing changes; delete answers 200 "deleted" or 404
// "not_found" (not an error). A source that is not a JSON object is a 400
// mapper_parsing_exception; an index name with upper-case letters or a
// leading '_', '-' or '+' is a 400 invalid_index_name_exception; a
// mismatching if_seq_no/if_primary_term is a 409. "errors" is true when
// any item carries an error. Ids are generated when index or create has
// none. Every write gets the next _seq_no (one sequence for the server)
// and primary term 1.
//
// _search (GET or POST on /_search or /{indices}/_search, with comma lists
// and '*' wildcards) supports the match_all and ids queries, "from" and
// "size" (default 10), and returns hits sorted by index and id; a missing
// concrete index is a 404 index_not_found_exception. GET
// /{index}/_doc/{id} returns a document. Nothing else is implemented: no
// mappings, no analysis, no scoring (every hit scores 1), no refresh
// delay (writes are visible at once), one shard per index.
//
// Faults: InjectItemStatus answers chosen items with 429
// (es_rejected_execution_exception), a 5xx, or another status, without
// applying them; FailRequests answers whole requests with a status.
package searchtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Server is a running test server. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, for the client's Addresses.
	URL string

	srv *httptest.Server

	mu        sync.Mutex
	indices   map[string]map[string]*doc
	seqNo     int
	nextID    int
	itemFault func(action, index, id string) int
	reqFaults []int
	bulks     int
}

type doc struct {
	source  json.RawMessage
	version int
	seqNo   int
}

// New starts a server on a loopback port; Close stops it.
func New() *Server {
	s := &Server{indices: map[string]map[string]*doc{}}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// InjectItemStatus makes the server answer each bulk item for which f
// returns a status other than 0 with that status, without applying it: 429
// is es_rejected_execution_exception, 5xx unavailable_shards_exception,
// anything else illegal_argument_exception. nil removes the fault.
func (s *Server) InjectItemStatus(f func(action, index, id string) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.itemFault = f
}

// FailRequests makes the next requests (one per status) fail as a whole
// with the given statuses.
func (s *Server) FailRequests(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqFaults = append(s.reqFaults, statuses...)
}

// BulkRequests returns how many _bulk requests the server handled (not
// counting those failed by FailRequests).
func (s *Server) BulkRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bulks
}

// Docs returns the sources of an index's documents by id.
func (s *Server) Docs(index string) map[string]json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]json.RawMessage{}
	for id, d := range s.indices[index] {
		out[id] = d.source
	}
	return out
}

// Indices returns the names of the indices, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name := range s.indices {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqFaults) > 0 {
		status := s.reqFaults[0]
		s.reqFaults = s.reqFaults[1:]
		writeError(w, status, "injected_fault_exception", "injected by the test")
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{
			"name": "searchtest", "cluster_name": "searchtest",
			"version": map[string]any{"distribution": "opensearch", "number": "2.11.0"},
			"tagline": "The OpenSearch Project: https://opensearch.org/",
		})
	case len(parts) <= 2 && parts[len(parts)-1] == "_bulk" && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		s.bulks++
		def := ""
		if len(parts) == 2 {
			def = parts[0]
		}
		s.bulk(w, def, body)
	case len(parts) <= 2 && parts[len(parts)-1] == "_search" && (r.Method == http.MethodPost || r.Method == http.MethodGet):
		pattern := "*"
		if len(parts) == 2 {
			pattern = parts[0]
		}
		s.search(w, pattern, body)
	case len(parts) == 3 && parts[1] == "_doc" && r.Method == http.MethodGet:
		s.get(w, parts[0], parts[2])
	default:
		writeError(w, http.StatusBadRequest, "illegal_argument_exception",
			fmt.Sprintf("no handler found for uri [%s] and method [%s]", r.URL.Path, r.Method))
	}
}

// action is one parsed bulk action.
type action struct {
	name   string // index, create, update or delete
	index  string
	id     string
	ifSeq  *int
	ifTerm *int
	source []byte
}

func (s *Server) bulk(w http.ResponseWriter, defIndex string, body []byte) {
	if len(body) == 0 {
		writeError(w, http.StatusBadRequest, "parse_exception", "request body is required")
		return
	}
	if body[len(body)-1] != '\n' {
		writeError(w, http.StatusBadRequest, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]")
		return
	}
	lines := bytes.Split(body[:len(body)-1], []byte("\n"))
	var actions []action
	for i := 0; i < len(lines); i++ {
		var meta map[string]struct {
			Index  string `json:"_index"`
			ID     string `json:"_id"`
			IfSeq  *int   `json:"if_seq_no"`
			IfTerm *int   `json:"if_primary_term"`
		}
		if err := json.Unmarshal(lines[i], &meta); err != nil || len(meta) != 1 {
			writeError(w, http.StatusBadRequest, "illegal_argument_exception",
				fmt.Sprintf("Malformed action/metadata line [%d], expected START_OBJECT with one action", i+1))
			return
		}
		var a action
		for name, m := range meta {
			a = action{name: name, index: m.Index, id: m.ID, ifSeq: m.IfSeq, ifTerm: m.IfTerm}
		}
		switch a.name {
		case "index", "create", "update", "delete":
		default:
			writeError(w, http.StatusBadRequest, "illegal_argument_exception",
				fmt.Sprintf("Malformed action/metadata line [%d], expected field [create], [delete], [index] or [update] but found [%s]", i+1, a.name))
			return
		}
		if a.index == "" {
			a.index = defIndex
		}
		if a.index == "" {
			writeError(w, http.StatusBadRequest, "action_request_validation_exception", "Validation Failed: 1: index is missing;")
			return
		}
		if a.id == "" && (a.name == "update" || a.name == "delete") {
			writeError(w, http.StatusBadRequest, "action_request_validation_exception", "Validation Failed: 1: id is missing;")
			return
		}
		if a.name != "delete" {
			i++
			if i >= len(lines) {
				writeError(w, http.StatusBadRequest, "illegal_argument_exception",
					fmt.Sprintf("The bulk request must be terminated by a newline [\\n]; action line [%d] has no source", i))
				return
			}
			a.source = lines[i]
		}
		actions = append(actions, a)
	}
	items := make([]map[string]any, len(actions))
	errors := false
	for k, a := range actions {
		res := s.apply(a)
		if _, failed := res["error"]; failed {
			errors = true
		}
		items[k] = map[string]any{a.name: res}
	}
	writeJSON(w, http.StatusOK, map[string]any{"took": 1, "errors": errors, "items": items})
}

// apply applies one action and returns its result.
func (s *Server) apply(a action) map[string]any {
	if a.id == "" {
		s.nextID++
		a.id = fmt.Sprintf("gen%017d", s.nextID)
	}
	fail := func(status int, typ, reason string) map[string]any {
		return map[string]any{"_index": a.index, "_id": a.id, "status": status,
			"error": map[string]any{"type": typ, "reason": reason, "index": a.index}}
	}
	if s.itemFault != nil {
		if status := s.itemFault(a.name, a.index, a.id); status != 0 {
			switch {
			case status == http.StatusTooManyRequests:
				return fail(status, "es_rejected_execution_exception",
					"rejected execution of primary operation on [write] (injected by the test)")
			case status >= 500:
				return fail(status, "unavailable_shards_exception", "primary shard is not active (injected by the test)")
			default:
				return fail(status, "illegal_argument_exception", "injected by the test")
			}
		}
	}
	if reason := invalidIndexName(a.index); reason != "" {
		return fail(http.StatusBadRequest, "invalid_index_name_exception", fmt.Sprintf("Invalid index name [%s], %s", a.index, reason))
	}
	idx := s.indices[a.index]
	var cur *doc
	if idx != nil {
		cur = idx[a.id]
	}
	if a.ifSeq != nil || a.ifTerm != nil {
		seq, term := -1, 0
		if a.ifSeq != nil {
			seq = *a.ifSeq
		}
		if a.ifTerm != nil {
			term = *a.ifTerm
		}
		if cur == nil || cur.seqNo != seq || term != 1 {
			have := "document does not exist"
			if cur != nil {
				have = fmt.Sprintf("current document has seqNo [%d] and primary term [1]", cur.seqNo)
			}
			return fail(http.StatusConflict, "version_conflict_engine_exception",
				fmt.Sprintf("[%s]: version conflict, required seqNo [%d], primary term [%d]. %s", a.id, seq, term, have))
		}
	}
	var source json.RawMessage
	result, status := "", 0
	switch a.name {
	case "index", "create":
		var obj map[string]any
		if json.Unmarshal(a.source, &obj) != nil || obj == nil {
			return fail(http.StatusBadRequest, "mapper_parsing_exception", "failed to parse")
		}
		if a.name == "create" && cur != nil {
			return fail(http.StatusConflict, "version_conflict_engine_exception",
				fmt.Sprintf("[%s]: version conflict, document already exists (current version [%d])", a.id, cur.version))
		}
		source = compact(a.source)
		result, status = "created", http.StatusCreated
		if cur != nil {
			result, status = "updated", http.StatusOK
		}
	case "update":
		var u struct {
			Doc         map[string]any `json:"doc"`
			Upsert      map[string]any `json:"upsert"`
			DocAsUpsert bool           `json:"doc_as_upsert"`
		}
		if json.Unmarshal(a.source, &u) != nil || (u.Doc == nil && u.Upsert == nil) {
			return fail(http.StatusBadRequest, "action_request_validation_exception", "Validation Failed: 1: script or doc is missing;")
		}
		switch {
		case cur == nil && u.Upsert != nil:
			source, _ = json.Marshal(u.Upsert)
			result, status = "created", http.StatusCreated
		case cur == nil && u.DocAsUpsert && u.Doc != nil:
			source, _ = json.Marshal(u.Doc)
			result, status = "created", http.StatusCreated
		case cur == nil:
			return fail(http.StatusNotFound, "document_missing_exception", fmt.Sprintf("[%s]: document missing", a.id))
		default:
			var old map[string]any
			_ = json.Unmarshal(cur.source, &old)
			merged := merge(clone(old), u.Doc)
			if reflect.DeepEqual(old, merged) {
				return map[string]any{"_index": a.index, "_id": a.id, "_version": cur.version, "result": "noop",
					"_shards": shards(0), "_seq_no": cur.seqNo, "_primary_term": 1, "status": http.StatusOK}
			}
			source, _ = json.Marshal(merged)
			result, status = "updated", http.StatusOK
		}
	case "delete":
		if cur == nil {
			s.seqNo++
			return map[string]any{"_index": a.index, "_id": a.id, "_version": 1, "result": "not_found",
				"_shards": shards(1), "_seq_no": s.seqNo, "_primary_term": 1, "status": http.StatusNotFound}
		}
		delete(idx, a.id)
		s.seqNo++
		return map[string]any{"_index": a.index, "_id": a.id, "_version": cur.version + 1, "result": "deleted",
			"_shards": shards(1), "_seq_no": s.seqNo, "_primary_term": 1, "status": http.StatusOK}
	}
	if idx == nil {
		idx = map[string]*doc{}
		s.indices[a.index] = idx
	}
	s.seqNo++
	d := &doc{source: source, version: 1, seqNo: s.seqNo}
	if cur != nil {
		d.version = cur.version + 1
	}
	idx[a.id] = d
	return map[string]any{"_index": a.index, "_id": a.id, "_version": d.version, "result": result,
		"_shards": shards(1), "_seq_no": d.seqNo, "_primary_term": 1, "status": status}
}

func shards(successful int) map[string]any {
	return map[string]any{"total": 2, "successful": successful, "failed": 0}
}

// invalidIndexName says why an index name is invalid, or "".
func invalidIndexName(name string) string {
	switch {
	case strings.ToLower(name) != name:
		return "must be lowercase"
	case strings.HasPrefix(name, "_") || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "+"):
		return "must not start with '_', '-', or '+'"
	case strings.ContainsAny(name, `\/*?"<>| ,#:`):
		return `must not contain the following characters [ , ", *, \, <, |, ,, >, /, ?]`
	case len(name) > 255:
		return "index name is too long"
	}
	return ""
}

func (s *Server) search(w http.ResponseWriter, pattern string, body []byte) {
	var req struct {
		Query map[string]json.RawMessage `json:"query"`
		From  *int                       `json:"from"`
		Size  *int                       `json:"size"`
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			writeError(w, http.StatusBadRequest, "parsing_exception", "failed to parse search source: "+err.Error())
			return
		}
	}
	var ids map[string]bool
	for name, q := range req.Query {
		switch name {
		case "match_all":
		case "ids":
			var v struct {
				Values []string `json:"values"`
			}
			_ = json.Unmarshal(q, &v)
			ids = map[string]bool{}
			for _, id := range v.Values {
				ids[id] = true
			}
		default:
			writeError(w, http.StatusBadRequest, "parsing_exception", fmt.Sprintf("unknown query [%s] (searchtest supports match_all and ids)", name))
			return
		}
	}
	var names []string
	for _, p := range strings.Split(pattern, ",") {
		if p == "_all" {
			p = "*"
		}
		found := false
		for name := range s.indices {
			if ok, _ := path.Match(p, name); ok {
				names = append(names, name)
				found = true
			}
		}
		if !found && !strings.Contains(p, "*") {
			w.Header().Set("Content-Type", "application/json")
			writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"type": "index_not_found_exception",
				"reason": fmt.Sprintf("no such index [%s]", p), "index": p}, "status": http.StatusNotFound})
			return
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var hits []map[string]any
	for _, name := range names {
		docIDs := make([]string, 0, len(s.indices[name]))
		for id := range s.indices[name] {
			if ids == nil || ids[id] {
				docIDs = append(docIDs, id)
			}
		}
		slices.Sort(docIDs)
		for _, id := range docIDs {
			hits = append(hits, map[string]any{"_index": name, "_id": id, "_score": 1.0, "_source": s.indices[name][id].source})
		}
	}
	total := len(hits)
	from, size := 0, 10
	if req.From != nil {
		from = *req.From
	}
	if req.Size != nil {
		size = *req.Size
	}
	hits = hits[min(from, len(hits)):min(from+size, len(hits))]
	if hits == nil {
		hits = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"took": 1, "timed_out": false,
		"_shards": map[string]any{"total": len(names), "successful": len(names), "skipped": 0, "failed": 0},
		"hits":    map[string]any{"total": map[string]any{"value": total, "relation": "eq"}, "max_score": 1.0, "hits": hits}})
}

func (s *Server) get(w http.ResponseWriter, index, id string) {
	idx, ok := s.indices[index]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"type": "index_not_found_exception",
			"reason": fmt.Sprintf("no such index [%s]", index), "index": index}, "status": http.StatusNotFound})
		return
	}
	d, ok := idx[id]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"_index": index, "_id": id, "found": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"_index": index, "_id": id, "_version": d.version,
		"_seq_no": d.seqNo, "_primary_term": 1, "found": true, "_source": d.source})
}

func writeError(w http.ResponseWriter, status int, typ, reason string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"root_cause": []any{map[string]any{"type": typ, "reason": reason}},
		"type": typ, "reason": reason}, "status": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func compact(b []byte) json.RawMessage {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return append(json.RawMessage(nil), b...)
	}
	return buf.Bytes()
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// merge merges src into dst as a partial update does: objects merge
// recursively, other values replace.
func merge(dst, src map[string]any) map[string]any {
	if dst == nil {
		dst = map[string]any{}
	}
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				dst[k] = merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}
