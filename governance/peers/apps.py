from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "governance.peers"
    label = "peers"
    verbose_name = "Peer registers"
