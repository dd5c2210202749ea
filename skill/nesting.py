"""How deeply a request may nest: one bound for every door, far below any parser's limit.

Alexa's envelopes nest a dozen levels or so (an APL screen's component tree is the deepest
part). Python's json and the SDK's deserializer recurse, and fail somewhere near 1,000 levels,
each at its own depth; a request nested deeper than MAX_NESTING is refused before either sees it.
"""

MAX_NESTING = 100


def nested_too_deeply(value, limit: int = MAX_NESTING) -> bool:
    """Whether lists and objects in ``value`` nest more than ``limit`` deep (the outermost is 1).

    Walks without recursion, so it can look at anything a parser could build.
    """
    pending = [(value, 1)] if isinstance(value, dict | list) else []
    while pending:
        container, depth = pending.pop()
        if depth > limit:
            return True
        children = container.values() if isinstance(container, dict) else container
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
