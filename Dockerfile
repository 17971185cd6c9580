# The worker, portal and starter image used by docker-compose.yml.
# Build: docker build -t semesterflow .
# It runs the worker; run the starter with `docker compose run --rm worker starter ...`.

FROM golang:1.26 AS build
WORKDIR /src
# Dependencies first, so editing code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static binaries: the runtime image needs no Go and no C library match.
RUN CGO_ENABLED=0 go build -trimpath -o /out/ ./worker ./portal ./starter

FROM debian:12-slim
# CA certificates for SMTP over TLS; tzdata for the plans' time zones.
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates tzdata \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --system --uid 10001 --home-dir /app semesterflow
COPY --from=build /out/worker /out/portal /out/starter /usr/local/bin/
# The example plans, so `starter start --plan examples/fall-term.yaml` works.
COPY --from=build /src/examples /app/examples
WORKDIR /app
USER semesterflow
CMD ["worker"]
