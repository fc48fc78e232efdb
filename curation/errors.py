class WorkflowError(Exception):
    """A refused workflow action, with what the user needs to know, in their language.

    Views show the messages and redirect; the API answers 409 (state changed) or 400
    with the same messages.
    """

    def __init__(self, messages, *, stale: bool = False):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = [str(m) for m in messages]
        self.stale = stale
        super().__init__(" ".join(self.messages))
