# civivote: a static binary in a distroless image, running as a non-root user.
# Build: docker build -t civivote .
# Run:   docker run --env-file civivote.env -p 8080:8080 civivote

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
# CGO off: a static binary. The election package embeds the time zone database, so the
# image needs no zoneinfo.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/civivote ./cmd/civivote

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/civivote /civivote
USER nonroot:nonroot
EXPOSE 8080
# No shell in the image: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/civivote", "healthcheck"]
ENTRYPOINT ["/civivote"]
CMD ["serve"]
