"""The kernel's one page renderer: a service's templates on the shared gov.br layout, always autoescaped."""

from __future__ import annotations

from sandbox_kernel.pages import PageRenderer


def test_service_template_extends_the_kernel_layout_and_values_are_escaped(tmp_path):
    (tmp_path / "pagina.html").write_text(
        '{% extends "govbr.html" %}{% block product %}Produto{% endblock %}'
        "{% block content %}<p>{{ nome }}</p>{% endblock %}"
    )
    html = PageRenderer(tmp_path).render("pagina.html", nome='<script>alert("x")</script>')
    assert html.startswith("<!doctype html>") and 'lang="pt-BR"' in html
    assert "<span>Produto</span>" in html and "AMBIENTE DE TESTES" in html
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_a_service_template_wins_over_the_kernel_one_of_the_same_name(tmp_path):
    (tmp_path / "govbr.html").write_text("próprio {{ x }}")
    assert PageRenderer(tmp_path).render("govbr.html", x=1) == "próprio 1"
