"""reconciler: GitOps for an OpenAI organization.

A YAML file declares the organization; `reconciler plan` diffs it against the live
organization read through the Admin API, and `reconciler apply` makes the changes.
"""

__version__ = "0.1.0"
