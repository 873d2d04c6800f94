// Package httpapi is kycd's HTTP JSON API: the integrator API (API keys), the applicant flow
// (short-lived applicant tokens, or the integrator's key when it drives its own UI), the reviewer
// console API (staff sessions) and the admin API.
//
// Handlers are thin: each one parses and bounds its input, authenticates the caller, calls one
// method of *kyc.Service, where every business rule lives, and encodes the result. Handlers
// return errors; writeError is the one place that turns an error into a status code and an
// application/problem+json body (RFC 9457), so the mapping cannot drift between routes. Internal
// causes go to the log, never to the client, and nothing personal is logged: the access log names
// the route pattern, never the path or the query.
//
// The API is described by a hand-written OpenAPI 3.1 document (openapi.yaml, embedded and served
// as JSON at /openapi.json); the tests check that every route is in it and that responses match it.
package httpapi
