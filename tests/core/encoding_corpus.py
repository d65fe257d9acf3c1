"""A corpus of contact exports as Windows, old Macs and Outlook really write them (issue 10), built in code.

Each language has a few contacts (invented people with ordinary names of that country, companies, the kind of notes
a Recipro user keeps) and is written as the file a user would get: an Outlook "Export to a file → Comma Separated
Values" export (English or localised header), or a short generic spreadsheet saved as CSV. The bytes come from
encoding the text with the code page that program would use; the expected answer is the text itself (two code
pages that decode to the same text are both right: Hungarian in ISO-8859-2 and in Windows-1250 are the same bytes).

Used by :mod:`tests.core.test_csv_encoding` (the detector must get every file right, or say it is unsure) and by
``uv run python -m tests.core.encoding_accuracy`` (the per-method accuracy table quoted in ``core/csv_encoding``).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass

OUTLOOK_EN = (
    "Title",
    "First Name",
    "Middle Name",
    "Last Name",
    "Suffix",
    "Company",
    "Department",
    "Job Title",
    "Business Street",
    "Business City",
    "Business Phone",
    "Mobile Phone",
    "E-mail Address",
    "E-mail Display Name",
    "Birthday",
    "Notes",
    "Categories",
)
"""The columns of an English Outlook export that matter here (the real one has ~90, all ASCII)."""

GENERIC_EN = ("Name", "Company", "Notes")


@dataclass(frozen=True)
class Contact:
    first: str
    last: str
    company: str
    job: str
    city: str
    notes: str
    category: str = ""


@dataclass(frozen=True)
class Language:
    key: str
    codecs: tuple[str, ...]  # the code pages a file in this language really arrives in
    contacts: tuple[Contact, ...]
    outlook_header: tuple[str, ...] | None = None  # a localised Outlook's header (same columns as OUTLOOK_EN)


RUSSIAN = Language(
    "ru",
    ("cp1251",),
    (
        Contact(
            "Анна",
            "Иванова",
            "ООО «Ромашка»",
            "Главный бухгалтер",
            "Москва",
            "Познакомились на конференции в Казани; обещала прислать отчёт.",
            "Работа",
        ),
        Contact(
            "Сергей",
            "Кузнецов",
            "АО «Северсталь»",
            "Инженер",
            "Череповец",
            "Помог с переездом, надо поблагодарить.",
            "Друзья",
        ),
        Contact(
            "Ольга",
            "Петрова",
            "Сбербанк",
            "Менеджер проектов",
            "Санкт-Петербург",
            "Ищет работу в ИТ — спросить у Дмитрия.",
            "",
        ),
        Contact(
            "Дмитрий",
            "Смирнов",
            "Яндекс",
            "Разработчик",
            "Новосибирск",
            "Нужна рекомендация для дочери, обещал до пятницы.",
            "Работа",
        ),
        Contact(
            "Елена",
            "Соколова",
            "ИП Соколова Е. В.",
            "Юрист",
            "Екатеринбург",
            "Бесплатно проконсультировала по договору аренды.",
            "",
        ),
    ),
    (
        "Обращение",
        "Имя",
        "Отчество",
        "Фамилия",
        "Суффикс",
        "Организация",
        "Отдел",
        "Должность",
        "Улица (раб. адрес)",
        "Город (раб. адрес)",
        "Рабочий телефон",
        "Телефон переносной",
        "Адрес эл. почты",
        "Краткое имя эл. почты",
        "День рождения",
        "Заметки",
        "Категории",
    ),
)

UKRAINIAN = Language(
    "uk",
    ("cp1251",),
    (
        Contact(
            "Олена",
            "Шевченко",
            "ТОВ «Світанок»",
            "Директорка",
            "Київ",
            "Зустрілися на форумі у Львові; допомогла з перекладом.",
            "Робота",
        ),
        Contact(
            "Тарас", "Коваленко", "ПриватБанк", "Аналітик", "Дніпро", "Їй потрібен юрист — познайомити з Ігорем.", ""
        ),
        Contact(
            "Юлія",
            "Бондаренко",
            "Укрпошта",
            "Логістка",
            "Харків",
            "Обіцяв надіслати ґрунтовний відгук до п'ятниці.",
            "Друзі",
        ),
        Contact(
            "Андрій",
            "Мельник",
            "ФОП Мельник А. І.",
            "Фотограф",
            "Одеса",
            "Зробив фото для сайту безкоштовно, треба віддячити.",
            "",
        ),
    ),
)

BULGARIAN = Language(
    "bg",
    ("cp1251",),
    (
        Contact(
            "Георги",
            "Димитров",
            "„Българска роза“ ЕООД",
            "Управител",
            "София",
            "Запознахме се в Пловдив; помогна ми с превода.",
            "Работа",
        ),
        Contact(
            "Мария",
            "Иванова",
            "Софийски университет",
            "Преподавател",
            "София",
            "Търси стаж за сина си — да питам Стефан.",
            "",
        ),
        Contact(
            "Стефан", "Петков", "Телерик", "Програмист", "Варна", "Обеща да изпрати препоръка до петък.", "Приятели"
        ),
        Contact(
            "Цветелина",
            "Желязкова",
            "Юридическа кантора „Правда“",
            "Адвокат",
            "Бургас",
            "Консултира ме безплатно за договора.",
            "",
        ),
    ),
)

POLISH = Language(
    "pl",
    ("cp1250", "iso-8859-2"),
    (
        Contact(
            "Łukasz",
            "Wiśniewski",
            "Zakład Usług Ślusarskich",
            "Właściciel",
            "Gdańsk",
            "Poznaliśmy się na konferencji w Gdańsku; obiecał przesłać ofertę.",
            "Praca",
        ),
        Contact(
            "Małgorzata",
            "Wójcik",
            "Bank Żywiecki S.A.",
            "Księgowa",
            "Żywiec",
            "Pomogła mi z przeprowadzką - podziękować!",
            "Przyjaciele",
        ),
        Contact(
            "Zofia",
            "Kamińska",
            "Źródło Sp. z o.o.",
            "Kierowniczka projektu",
            "Łódź",
            "Szuka pracy w IT, zapytać Grzegorza.",
            "",
        ),
        Contact(
            "Grzegorz",
            "Brzęczyszczykiewicz",
            "Politechnika Wrocławska",
            "Adiunkt",
            "Wrocław",
            "Potrzebuje rekomendacji dla córki; ćwiczy skrzypce.",
            "",
        ),
        Contact(
            "Agnieszka",
            "Dąbrowska",
            "Śnieżka",
            "Specjalistka ds. sprzedaży",
            "Kraków",
            "Przyśle próbki farb w poniedziałek.",
            "Praca",
        ),
    ),
    (
        "Tytuł",
        "Imię",
        "Drugie imię",
        "Nazwisko",
        "Sufiks",
        "Firma",
        "Dział",
        "Stanowisko",
        "Ulica służbowa",
        "Miejscowość służbowa",
        "Telefon służbowy",
        "Telefon komórkowy",
        "Adres e-mail",
        "Nazwa wyświetlana e-mail",
        "Urodziny",
        "Notatki",
        "Kategorie",
    ),
)

CZECH = Language(
    "cs",
    ("cp1250", "iso-8859-2"),
    (
        Contact(
            "Jiří",
            "Dvořák",
            "Stavební firma Dvořák s.r.o.",
            "Jednatel",
            "Brno",
            "Potkali jsme se v Brně; slíbil poslat nabídku.",
            "Práce",
        ),
        Contact(
            "Kateřina",
            "Nováková",
            "Česká spořitelna",
            "Účetní",
            "Praha",
            "Pomohla mi s překladem smlouvy - poděkovat.",
            "",
        ),
        Contact(
            "Petr",
            "Černý",
            "Škoda Auto a.s.",
            "Inženýr",
            "Mladá Boleslav",
            "Hledá práci v IT, zeptat se Šárky.",
            "Přátelé",
        ),
        Contact(
            "Šárka",
            "Řeháková",
            "Žlutý kůň, z.s.",
            "Ředitelka",
            "Ústí nad Labem",
            "Potřebuje doporučení pro dceru; ozve se v pátek.",
            "",
        ),
    ),
)

HUNGARIAN = Language(
    "hu",
    ("cp1250", "iso-8859-2"),
    (
        Contact(
            "Péter",
            "Kovács",
            "Őrség Kft.",
            "Ügyvezető",
            "Szombathely",
            "Budapesten találkoztunk; segített az állásinterjúban.",
            "Munka",
        ),
        Contact(
            "Erzsébet",
            "Szabó",
            "Magyar Telekom Nyrt.",
            "Könyvelő",
            "Budapest",
            "Ígért egy ajánlólevelet jövő hétre.",
            "",
        ),
        Contact(
            "Gábor",
            "Tóth",
            "Tűzoltó Egyesület",
            "Önkéntes",
            "Győr",
            "Költözésnél segített, meg kell köszönni.",
            "Barátok",
        ),
        Contact(
            "Zsófia", "Horváth", "Szegedi Tudományegyetem", "Kutató", "Szeged", "Munkát keres; kérdezzem meg Ödönt.", ""
        ),
    ),
)

JAPANESE = Language(
    "ja",
    ("cp932",),
    (
        Contact(
            "太郎",
            "山田",
            "株式会社サンプル商事",
            "営業部長",
            "東京都",
            "東京の展示会で会った。見積もりを送ると約束した。",
            "仕事",
        ),
        Contact(
            "花子", "佐藤", "有限会社さくら", "経理", "大阪市", "転職の相談に乗ってくれた。お礼を言うこと。", "友人"
        ),
        Contact(
            "一郎", "鈴木", "鈴木法律事務所", "弁護士", "名古屋市", "賃貸契約について無料で助言してくれた～感謝！", ""
        ),
        Contact(
            "ﾕｳｷ",
            "高橋",
            "ＮＰＯ法人つなぐ",
            "代表理事",
            "福岡市",
            "娘さんの推薦状が必要。金曜日までに連絡する。",
            "仕事",
        ),
    ),
    (
        "敬称",
        "名",
        "ミドル ネーム",
        "姓",
        "敬称 (英語)",
        "会社",
        "部署",
        "役職",
        "会社 番地",
        "会社 市区町村",
        "会社電話",
        "携帯電話",
        "電子メール アドレス",
        "電子メール表示名",
        "誕生日",
        "メモ",
        "分類",
    ),
)

WESTERN = Language(
    "west",
    ("cp1252", "mac_roman"),
    (
        Contact(
            "François",
            "Lefèvre",
            "Café de la Paix SARL",
            "Gérant",
            "Lyon",
            "Rencontré à Lyon ; m'a aidé à préparer l'entretien.",
            "Travail",
        ),
        Contact(
            "Jürgen",
            "Groß",
            "Müller & Söhne GmbH",
            "Geschäftsführer",
            "München",
            "Hat mir beim Umzug geholfen – schulde ihm ein Essen.",
            "Freunde",
        ),
        Contact(
            "Hélène",
            "Dubois",
            "Crème Brûlée & Cie",
            "Pâtissière",
            "Besançon",
            "Cherche un stage pour sa fille ; demander à René.",
            "",
        ),
        Contact(
            "José",
            "García Núñez",
            "Señorío de Castilla S.L.",
            "Director",
            "Málaga",
            "Prometió enviar la propuesta — “antes del viernes”.",
            "Trabajo",
        ),
        Contact("Åsa", "Lindström", "Öresund Konsult AB", "Konsult", "Malmö", "Gav mig råd om hyreskontraktet.", ""),
    ),
    (
        "Anrede",
        "Vorname",
        "Weitere Vornamen",
        "Nachname",
        "Namenszusatz",
        "Firma",
        "Abteilung",
        "Position",
        "Straße geschäftlich",
        "Ort geschäftlich",
        "Telefon geschäftlich",
        "Mobiltelefon",
        "E-Mail-Adresse",
        "E-Mail: Angezeigter Name",
        "Geburtstag",
        "Notizen",
        "Kategorien",
    ),
)

TURKISH = Language(
    "tr",
    ("cp1254",),
    (
        Contact(
            "Şükrü",
            "Öztürk",
            "Güneş Tekstil A.Ş.",
            "Genel Müdür",
            "İstanbul",
            "İzmir'deki fuarda tanıştık; teklif göndereceğini söyledi.",
            "İş",
        ),
        Contact(
            "Ayşe",
            "Yılmaz",
            "Çınar Hukuk Bürosu",
            "Avukat",
            "Ankara",
            "Kira sözleşmesi için ücretsiz danıştım, teşekkür et.",
            "",
        ),
        Contact(
            "Gökhan",
            "Çelik",
            "Boğaziçi Üniversitesi",
            "Öğretim üyesi",
            "İstanbul",
            "Kızı için referans mektubu lazım.",
            "Arkadaşlar",
        ),
    ),
)

GREEK = Language(
    "el",
    ("cp1253",),
    (
        Contact(
            "Γιώργος",
            "Παπαδόπουλος",
            "Ελληνικά Πετρέλαια Α.Ε.",
            "Μηχανικός",
            "Αθήνα",
            "Γνωριστήκαμε στη Θεσσαλονίκη· υποσχέθηκε να στείλει προσφορά.",
            "Εργασία",
        ),
        Contact(
            "Μαρία",
            "Κωνσταντίνου",
            "Δικηγορικό Γραφείο Κ.",
            "Δικηγόρος",
            "Πάτρα",
            "Με βοήθησε με το συμβόλαιο — να την ευχαριστήσω.",
            "",
        ),
        Contact(
            "Νίκος",
            "Αλεξίου",
            "Πανεπιστήμιο Κρήτης",
            "Ερευνητής",
            "Ηράκλειο",
            "Ψάχνει δουλειά στην πληροφορική.",
            "Φίλοι",
        ),
    ),
)

LITHUANIAN = Language(
    "lt",
    ("cp1257",),
    (
        Contact(
            "Jonas",
            "Kazlauskas",
            "UAB „Šiaurės vėjas“",
            "Direktorius",
            "Vilnius",
            "Susipažinome Kaune; pažadėjo atsiųsti pasiūlymą.",
            "Darbas",
        ),
        Contact("Rūta", "Žemaitytė", "Swedbank", "Buhalterė", "Klaipėda", "Padėjo persikraustyti – padėkoti!", ""),
        Contact(
            "Gintarė",
            "Petrauskienė",
            "Vilniaus universitetas",
            "Dėstytoja",
            "Vilnius",
            "Ieško darbo IT srityje; paklausti Mindaugo.",
            "Draugai",
        ),
    ),
)

LANGUAGES = (RUSSIAN, UKRAINIAN, BULGARIAN, POLISH, CZECH, HUNGARIAN, JAPANESE, WESTERN, TURKISH, GREEK, LITHUANIAN)


def _quote(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _outlook_cells(c: Contact, n: int) -> tuple[str, ...]:
    email = f"contact{n}@example.org"
    return (
        "", c.first, "", c.last, "", c.company, "", c.job, f"{n + 1} Example Street", c.city,
        f"+1 555 010{n}", "", email, f"{c.first} {c.last} ({email})", "0/0/00", c.notes, c.category,
    )  # fmt: skip


def outlook_text(language: Language, rows: int, *, localised: bool = False) -> str:
    """An Outlook export of the first ``rows`` contacts (every cell quoted, CRLF, as Outlook writes it)."""
    header = language.outlook_header if localised and language.outlook_header else OUTLOOK_EN
    lines = [",".join(f'"{h}"' for h in header)]
    for n, contact in enumerate(language.contacts[:rows]):
        lines.append(",".join(f'"{cell}"' for cell in _outlook_cells(contact, n)))
    return "\r\n".join(lines) + "\r\n"


def generic_text(language: Language, rows: int, *, delimiter: str = ",") -> str:
    """A three-column spreadsheet saved as CSV (only what the user typed: names, company, a note)."""
    lines = [delimiter.join(GENERIC_EN)]
    for contact in language.contacts[:rows]:
        cells = (f"{contact.first} {contact.last}", contact.company, contact.notes)
        lines.append(delimiter.join(_quote(cell, delimiter) for cell in cells))
    return "\r\n".join(lines) + "\r\n"


@dataclass(frozen=True)
class Sample:
    """One file of the corpus: its name, the code page it was written in, its bytes and the text they hold."""

    name: str
    codec: str
    data: bytes
    text: str
    bom: int = 0

    @property
    def rows(self) -> int:
        return self.text.count("\r\n") - 1


def samples() -> Iterator[Sample]:
    """Every file of the corpus: each language × code page × shape (1, 2 and all rows; Outlook and generic)."""
    for language in LANGUAGES:
        for codec in language.codecs:
            full = len(language.contacts)
            shapes = {
                "generic-1": generic_text(language, 1),
                "generic-2": generic_text(language, 2, delimiter=";"),
                f"generic-{full}": generic_text(language, full),
                "outlook-1": outlook_text(language, 1),
                f"outlook-{full}": outlook_text(language, full),
            }
            if language.outlook_header:
                shapes[f"outlook-local-{full}"] = outlook_text(language, full, localised=True)
            for shape, text in shapes.items():
                yield Sample(f"{language.key}-{codec}-{shape}", codec, text.encode(codec), text)
    # Unicode files: decisive by BOM or by being valid UTF-8, whatever the language.
    for language in (RUSSIAN, POLISH, JAPANESE, WESTERN):
        text = outlook_text(language, 2)
        yield Sample(f"{language.key}-utf-8-outlook-2", "utf-8", text.encode("utf-8"), text)
        yield Sample(f"{language.key}-utf-8-sig-outlook-2", "utf-8", codecs.BOM_UTF8 + text.encode("utf-8"), text, 3)
        tabbed = generic_text(language, 2, delimiter="\t")
        yield Sample(
            f"{language.key}-utf-16-le-tab-2", "utf-16-le", codecs.BOM_UTF16_LE + tabbed.encode("utf-16-le"), tabbed, 2
        )
