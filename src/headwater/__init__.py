"""Headwater: a self-hosted headless CMS speaking the Kontent.ai MAPI v2 and the Contentful CMA."""

__version__ = "0.1.0"
