"""A questionnaire's answers as they travel from screen to screen, without JavaScript.

No draft is stored and nothing goes in the address: every screen's form carries the
answers given so far as hidden fields (``a1`` ... ``aN``: a choice's value, ``skip``, or
empty for not yet) and, for a PSFS the patient names, the activities (``act1`` ...
``act5``). The button pressed (``go``) says where to go: ``next``, ``back``, ``edit-N``
(from the check-your-answers screen) or ``send``. Every value is checked against its
question's choices on every step, so a tampered form is refused like any bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pinpoint.errors import InvalidInput
from pinpoint.inputs import is_ascii_digits
from pinpoint.outcomes.questions import Question, Questionnaire, questionnaire
from pinpoint.outcomes.vocabulary import InstrumentCode
from pinpoint.web.pages.clinic_forms import FormState

SKIP = "skip"
MAX_ACTIVITIES = 5
CHOOSE = "Choose an answer to go on."
CHOOSE_OR_SKIP = "Choose an answer, or choose to skip this question, to go on."


@dataclass(frozen=True)
class Sheet:
    """Where a patient is in a questionnaire, and what they answered so far.

    ``step`` 0 names the PSFS activities (only when the patient names them now), 1 to N
    shows question N, N + 1 is the check-your-answers screen.
    """

    form: Questionnaire
    answers: tuple[str, ...]
    step: int
    names_now: bool = False
    typed_names: tuple[str, ...] = ()
    error: str | None = None
    error_field: str | None = None

    @property
    def total(self) -> int:
        return len(self.form.questions)

    @property
    def review_step(self) -> int:
        return self.total + 1

    @property
    def first_step(self) -> int:
        return 0 if self.names_now else 1

    @property
    def question(self) -> Question | None:
        return self.form.questions[self.step - 1] if 1 <= self.step <= self.total else None

    @property
    def reviewing(self) -> bool:
        return self.step == self.review_step

    @property
    def naming(self) -> bool:
        return self.step == 0

    def answer(self, number: int) -> str:
        return self.answers[number - 1] if 1 <= number <= len(self.answers) else ""

    def label(self, number: int) -> str:
        """The chosen answer in words, for the check-your-answers screen."""
        given = self.answer(number)
        if given == SKIP:
            return "Skipped"
        for choice in self.form.questions[number - 1].choices:
            if str(choice.value) == given:
                return choice.label
        return "Not answered"

    @property
    def item9_positive(self) -> bool:
        """A PHQ-9 whose item 9 has an answer above 0 (shown before sending, too)."""
        if self.form.instrument is not InstrumentCode.PHQ9 or self.total < 9:
            return False
        given = self.answer(9)
        return given.isdigit() and int(given) > 0

    def responses(self) -> list[int | None]:
        return [None if a in ("", SKIP) else int(a) for a in self.answers]


def start(code: InstrumentCode, activities: tuple[str, ...] | None) -> Sheet:
    """A fresh sheet: a PSFS without earlier activities starts by naming them."""
    form = questionnaire(code, activities)
    names_now = form.names_activities
    return Sheet(form, ("",) * len(form.questions), 0 if names_now else 1, names_now)


def read(form: FormState, code: InstrumentCode, activities: tuple[str, ...] | None) -> Sheet:
    """The sheet a posted screen carries; InvalidInput for values no screen offers."""
    names_now = code is InstrumentCode.PSFS and not activities
    typed = tuple(form.value(f"act{n}").strip() for n in range(1, MAX_ACTIVITIES + 1))
    named = tuple(t for t in typed if t)
    questions = questionnaire(code, activities or (named if _fits(code, named) else None))
    answers = tuple(_answer(form, q) for q in questions.questions)
    step = _step(form.value("step"), len(answers) + 1, 0 if names_now else 1)
    return Sheet(questions, answers, step, names_now, typed if names_now else ())


def _fits(code: InstrumentCode, named: tuple[str, ...]) -> bool:
    try:
        questionnaire(code, named)
    except InvalidInput:
        return False
    return True


def _answer(form: FormState, question: Question) -> str:
    given = form.value(f"a{question.number}").strip()
    if given == "" or (given == SKIP and question.may_skip):
        return given
    values = {str(c.value) for c in question.choices}
    if is_ascii_digits(given) and len(given) < 3 and str(int(given)) in values:
        return str(int(given))
    raise InvalidInput(
        f"question {question.number} has no answer {given[:20]!r}", field=f"a{question.number}"
    )


def _step(text: str, last: int, first: int) -> int:
    if not is_ascii_digits(text) or len(text) > 3 or not first <= int(text) <= last:
        raise InvalidInput("this screen of the questionnaire does not exist", field="step")
    return int(text)


def move(sheet: Sheet, go: str, code: InstrumentCode) -> Sheet:
    """The sheet after pressing ``go``; an unanswered question keeps the patient on it."""
    if go == "back":
        return replace(sheet, step=max(sheet.step - 1, sheet.first_step))
    if go.startswith("edit-") and is_ascii_digits(go[5:]) and len(go) < 9:
        return replace(sheet, step=min(max(int(go[5:]), sheet.first_step), sheet.total))
    if go == "next" and sheet.naming:
        return _named(sheet, code)
    if go == "next" and sheet.question is not None:
        if not sheet.answer(sheet.step):
            return _refused(sheet, sheet.step)
        return replace(sheet, step=sheet.step + 1)
    if go == "send":
        missing = [n for n in range(1, sheet.total + 1) if not sheet.answer(n)]
        if sheet.naming or not sheet.total:
            return _named(sheet, code)
        return _refused(sheet, missing[0]) if missing else sheet
    raise InvalidInput("this button does not exist on the questionnaire", field="go")


def _refused(sheet: Sheet, number: int) -> Sheet:
    question = sheet.form.questions[number - 1]
    message = CHOOSE_OR_SKIP if question.may_skip else CHOOSE
    return replace(sheet, step=number, error=message, error_field=f"a{number}")


def _named(sheet: Sheet, code: InstrumentCode) -> Sheet:
    """Leave the naming screen once 3 to 5 distinct activities are named."""
    named = tuple(t for t in sheet.typed_names if t)
    try:
        form = questionnaire(code, named)
    except InvalidInput as exc:
        return replace(sheet, step=0, error=_sentence(exc.message), error_field="act1")
    kept = tuple(sheet.answers[i] if i < len(sheet.answers) else "" for i in range(len(named)))
    return replace(sheet, form=form, answers=kept, step=1, typed_names=named)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def ready(sheet: Sheet) -> bool:
    """Every question answered or skipped, on the check-your-answers screen."""
    return sheet.reviewing and sheet.total > 0 and all(sheet.answers) and sheet.error is None
