// Package deploy holds no code: its tests check the deployment files at the
// repository root (docker-compose.yml) against the settings the code reads,
// so the compose file cannot drift from the worker's configuration unnoticed.
package deploy
