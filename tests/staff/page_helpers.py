"""Helpers for the staff page tests: reading a page and its messages, a scoresheet's form
data, and a worked example on the default rubric."""

import re

# A worked example on the default rubric (weights 15, 20, 15, 15, 10, 10, 10, 5):
# 15*5 + 20*4 + 15*3 + 15*4 + 10*2 + 10*5 + 10*3 + 5*1 = 365; 365 * 100 / (5 * 100) = 73.00
WORKED_EXAMPLE = {
    "legality": 5,
    "quality_safety": 4,
    "capacity_continuity": 3,
    "packaging_labeling": 4,
    "price_competitiveness": 2,
    "uniqueness_brand": 5,
    "market_digital": 3,
    "management_traceability": 1,
}


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow_messages(client, response) -> str:
    """The page a redirect leads to, with its flashed messages."""
    assert response.status_code == 302, response.status_code
    return page(client, response["Location"])


def scoresheet_post(application, scores, *, seen="", submit=False, recommendation="", **notes):
    data = {f"score_{key}": str(value) for key, value in scores.items()}
    data.update({f"comment_{key}": text for key, text in notes.items()})
    data.update({"seen": seen, "recommendation": recommendation, "comment": ""})
    data["submit" if submit else "save"] = "1"
    return data


def seen_token(html: str) -> str:
    match = re.search(r'name="seen" value="([^"]*)"', html)
    if match:
        return match.group(1)
    assert re.search(r'name="seen"(?! value)', html), "the form carries no seen token"
    return ""
