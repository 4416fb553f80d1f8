"""What a client needs to connect (also for ``govbr-sandbox info --json``)."""

from __future__ import annotations

from sandbox_kernel.settings import Settings


def connection_info(settings: Settings, tls_files: dict[str, str], robots: list[dict]) -> dict:
    base = (
        settings.real_host_url("homolog.api.processoeletronico.gov.br")
        if settings.real_hosts
        else f"https://{settings.host}:{settings.tramita_port}"
    )
    return {
        "base_url": f"{base}/interoperabilidade/rest/v3/",
        "base_url_v4": f"{base}/interoperabilidade/rest/v4/",
        "pendencias_url": f"{base}/pendencias/",
        "ca_servidor": tls_files["server_ca"],
        "ca_clientes": tls_files["client_ca"],
        "sistema_seed": {
            "certificado": str((settings.data_dir / "tramita" / "sistema.crt").resolve()),
            "chave": str((settings.data_dir / "tramita" / "sistema.key").resolve()),
            "cadeia": str((settings.data_dir / "tramita" / "cadeia-sandbox.pem").resolve()),
        },
        "como_confiar": (
            "Confie na raiz do sandbox (ca_servidor, ou GET /sandbox/registry/ca.pem) para o certificado do "
            "servidor e apresente o certificado do seu sistema (emitido pelo registry) como certificado de cliente: "
            "curl --cacert <ca_servidor> --cert sistema.crt --key sistema.key <base_url>healthcheck"
        ),
        "robos": robots,
    }
