// Package pingen is a small client of Pingen's API v2 (https://api.pingen.com),
// the Swiss print-and-mail service, with a crash-safe journal of submissions.
//
// A letter goes out in three HTTP steps: ask for a presigned upload URL, PUT
// the PDF there, create the letter from that URL. [Submitter] runs those steps
// around a [Journal] so that re-running an interrupted submission never
// creates a second letter.
//
// Every POST and PATCH carries an Idempotency-Key, the same one on every
// retry, so a retried request after a lost response is answered by Pingen
// with the original result instead of being executed again.
//
// The client secret and access tokens never appear in errors, logs or
// formatted values.
package pingen
