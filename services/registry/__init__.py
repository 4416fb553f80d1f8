"""Plano de controle do sandbox: entes, credenciais, personas, estruturas organizacionais e catálogo de eventos."""
