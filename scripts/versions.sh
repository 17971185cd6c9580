# shellcheck shell=bash
# Pinned versions of the tools scripts/lib.sh installs into ./bin with
# `go install`. This is the only place to change them.
#
# One tool per line: NAME PACKAGE MODULE VERSION
#   NAME     the binary's name in ./bin
#   PACKAGE  what `go install PACKAGE@VERSION` builds
#   MODULE   the module that PACKAGE belongs to, as `go version -m` reports it;
#            install_tools compares it with the installed binary to skip
#            tools that are already at the pinned version
#
# All four build with Go 1.26.
# shellcheck disable=SC2034 # read by scripts/lib.sh
TOOLS="
temporal      github.com/temporalio/cli/cmd/temporal               github.com/temporalio/cli                        v1.5.1
mailpit       github.com/axllent/mailpit                           github.com/axllent/mailpit                       v1.27.11
staticcheck   honnef.co/go/tools/cmd/staticcheck                   honnef.co/go/tools                               v0.8.2
workflowcheck go.temporal.io/sdk/contrib/tools/workflowcheck       go.temporal.io/sdk/contrib/tools/workflowcheck   v0.6.0
"
