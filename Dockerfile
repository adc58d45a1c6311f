# freshet as a container: a static binary on a distroless base, run as a
# non-root user, listening on 0.0.0.0:4567 with a health check on /_health.
#
#   docker build -t freshet .
#   docker run --rm -p 4567:4567 freshet
#   docker run --rm -p 4567:4567 -e FRESHET_CREATE_STREAM=orders:2 freshet
#
# Every serve flag is also an environment variable (FRESHET_<FLAG>).

FROM golang:1.24 AS build
WORKDIR /src
COPY . .
WORKDIR /src/cmd/freshet
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/freshet .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/freshet /freshet
USER nonroot:nonroot
ENV FRESHET_ADDR=0.0.0.0:4567
EXPOSE 4567
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 CMD ["/freshet", "health"]
ENTRYPOINT ["/freshet"]
CMD ["serve"]
