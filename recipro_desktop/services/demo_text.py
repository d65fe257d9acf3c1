"""Word lists for the demo journal (:mod:`recipro_desktop.services.demo`).

Everything here is invented: companies, cafés, products and events are fictional; the names are common
first and family names of many cultures, combined at random. Lists are space- or ``|``-separated strings
so that the file stays readable; :func:`words` and :func:`phrases` split them once at import.
"""

from __future__ import annotations


def words(s: str) -> tuple[str, ...]:
    """Space-separated words; ``_`` stands for a space inside one entry (``De_Luca`` → ``De Luca``)."""
    return tuple(w.replace("_", " ") for w in s.split())


def phrases(s: str) -> tuple[str, ...]:
    """``|``-separated phrases."""
    return tuple(p.strip() for p in s.split("|") if p.strip())


# culture: (feminine given names, masculine given names, family names, family name first?, country code)
CULTURES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool, str]] = {
    "french": (
        words("Anaïs Chloé Élodie Margaux Léa Camille Inès Hélène Solène Maëlle Océane Clémence"),
        words("Théo Mathéo Noé Rémi Jérôme Benoît Loïc Gaël François Étienne Hugo Maxime"),
        words("Dubois Lefèvre Moreau Girard Bonnet Faure Rousseau Lemaître Chevalier Mercier Gauthier Perrin"),
        False,
        "33",
    ),
    "german": (
        words("Lena Anja Jana Sophie Käthe Frauke Annika Birgit Mareike Lotte Wiebke"),
        words("Lukas Jörg Matthias Sebastian Björn Ulrich Florian Tobias Henrik Moritz Stefan Kai"),
        words("Müller Schäfer Weiß Köhler Schröder Becker Hoffmann Krüger Vogel Bräuer Hahn Fuchs"),
        False,
        "49",
    ),
    "irish": (
        words("Aoife Siobhán Niamh Saoirse Caoimhe Róisín Orla Clodagh Aisling Gráinne"),
        words("Oisín Cian Seán Pádraig Ciarán Darragh Eoin Tadhg Rónán Conor"),
        words("O'Sullivan Ní_Bhriain Murphy Kelly Ó_Ceallaigh Byrne Gallagher Doherty MacCarthy Quinn"),
        False,
        "353",
    ),
    "polish": (
        words("Agnieszka Małgorzata Zofia Katarzyna Joanna Żaneta Barbara Ewa Magdalena Ola"),
        words("Łukasz Paweł Wojciech Michał Krzysztof Tomasz Jakub Bartłomiej Grzegorz Piotr"),
        words("Nowak Kowalczyk Wójcik Woźniak Mazur Krawczyk Kaczmarek Zając Król Wróbel Gołąb Sikora"),
        False,
        "48",
    ),
    "spanish": (
        words("Lucía María Inés Nuria Begoña Ainhoa Pilar Marta Rocío Ángela"),
        words("José Álvaro Iñaki Sergio Javier Andrés Joaquín Rubén Íñigo Raúl"),
        words("García Fernández López Martínez Sánchez Pérez Gómez Jiménez Muñoz Ibáñez Núñez Ortega"),
        False,
        "34",
    ),
    "brazilian": (
        words("Júlia Beatriz Letícia Luíza Gabriela Larissa Tainá Conceição Fernanda Lívia"),
        words("João Antônio Caio Thiago Vinícius Rafael Leandro Otávio Gustavo Mateus"),
        words("Silva Santos Oliveira Souza Conceição Araújo Magalhães Gonçalves Assunção Ribeiro"),
        False,
        "55",
    ),
    "italian": (
        words("Giulia Francesca Chiara Beatrice Ilaria Federica Alessia Martina Sara"),
        words("Niccolò Luca Matteo Lorenzo Alessandro Davide Giacomo Tommaso Riccardo Federico"),
        words("Rossi Bianchi Esposito Romano Colombo Ricci De_Luca Mancini Galli Fontana Marchetti"),
        False,
        "39",
    ),
    "nordic": (
        words("Ingrid Astrid Sigrid Freja Maja Åsa Linnéa Solveig Tove Karin"),
        words("Søren Anders Magnus Jørgen Lasse Øystein Håkon Emil Nils Rasmus"),
        words("Jensen Nielsen Hansen Lindqvist Åberg Sørensen Bjørnstad Strøm Eriksson Holm"),
        False,
        "45",
    ),
    "finnish_icelandic": (
        words("Aino Päivi Sanna Hanna Eeva Guðrún Sólveig Katrín Þóra Helga"),
        words("Väinö Jussi Mikko Ilkka Aleksi Jón Sigurður Gunnar Þór Ólafur"),
        words("Virtanen Mäkinen Järvinen Heikkilä Koskinen Hämäläinen Lehtonen Salminen Nieminen Laine"),
        False,
        "358",
    ),
    "dutch": (
        words("Sanne Femke Anouk Lotte Maartje Ilse Noor Fenna Marieke Eline"),
        words("Daan Bram Sjoerd Joost Thijs Ruben Wouter Gijs Pieter Jeroen"),
        words("de_Vries van_Dijk Bakker Janssen Visser Smit Meijer de_Boer Mulder van_den_Berg"),
        False,
        "31",
    ),
    "czech_hungarian": (
        words("Tereza Kateřina Lucie Zuzana Eszter Réka Zsófia Ágnes Dóra Hana"),
        words("Jiří Tomáš Ondřej Vojtěch Zoltán Bálint Gergő Márton Ádám Lukáš"),
        words("Novák Dvořák Černý Procházka Kovács Szabó Tóth Nagy Horváth Svoboda"),
        False,
        "420",
    ),
    "turkish": (
        words("Ayşe Elif Zeynep Gülşen Şebnem Özlem Büşra Defne İpek Nazlı"),
        words("Mehmet Emre Barış Çağan Oğuz Gökhan Serkan Kerem Uğur İlker"),
        words("Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın Arslan Doğan Kılıç"),
        False,
        "90",
    ),
    "greek": (
        words("Eleni Maria Katerina Dimitra Ioanna Sofia Christina Zoë Athina Vasiliki"),
        words("Giorgos Nikos Kostas Dimitris Yannis Panagiotis Stavros Thanasis Christos Alexandros"),
        words("Papadopoulos Georgiou Nikolaidis Oikonomou Karagiannis Vlachos Antoniou Dimitriou Makris Pappas"),
        False,
        "30",
    ),
    "vietnamese": (
        words("Lan Hương Thảo Ngọc Mai Trang Linh Phương Hạnh Anh"),
        words("Minh Tuấn Dũng Khoa Huy Quang Hùng Long Bảo Đức"),
        words("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Đặng Bùi"),
        True,
        "84",
    ),
    "chinese": (
        words("Xiaoling Mei Yan Jing Wenjing Lihua Yuqi Xinyi Qian Ruoxi"),
        words("Wei Jun Hao Zhiwei Yifan Lei Chen Bo Tao Xiang"),
        words("Wang Li Zhang Liu Chen Yang Huang Zhao Zhou Wu Lü"),
        True,
        "86",
    ),
    "japanese": (
        words("Yuki Haruka Aiko Sakura Emi Naoko Kaori Mio Rina Ayaka"),
        words("Haruto Kenji Takeshi Ryō Daiki Shōta Yūto Kōji Hiroshi Sōta"),
        words("Satō Suzuki Takahashi Tanaka Watanabe Itō Yamamoto Nakamura Kobayashi Katō"),
        True,
        "81",
    ),
    "korean": (
        words("Ji-woo Seo-yeon Min-ji Ha-eun Soo-ah Ye-jin Eun-ji Hye-won Da-eun Yoo-na"),
        words("Min-jun Seo-jun Do-yun Ji-ho Hyun-woo Jae-sung Tae-yang Sung-min Woo-jin Dong-hyun"),
        words("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim"),
        True,
        "82",
    ),
    "indian": (
        words("Priya Ananya Kavya Aditi Meera Lakshmi Divya Nandini Shreya Ishita"),
        words("Arjun Rohan Vikram Aditya Rahul Siddharth Karthik Aarav Nikhil Pranav"),
        words("Sharma Patel Iyer Reddy Nair Gupta Menon Chatterjee Krishnan Desai Banerjee"),
        False,
        "91",
    ),
    "west_african": (
        words("Adaeze Chiamaka Folake Ngozi Yetunde Abena Akosua Efua Ifeoma Temitope"),
        words("Chinedu Oluwaseun Emeka Tunde Kwame Kofi Yaw Babajide Obinna Femi"),
        words("Okafor Adeyemi Okonkwo Balogun Mensah Owusu Asante Nwosu Adebayo Boateng"),
        False,
        "234",
    ),
    "east_african": (
        words("Wanjiru Achieng Njeri Amani Zawadi Nyambura Makena Halima Neema Akinyi"),
        words("Kamau Otieno Baraka Juma Kipchoge Mwangi Omondi Jabari Tendai Kiprono"),
        words("Mwangi Odhiambo Wanjala Kariuki Mutua Njoroge Ochieng Kimani Chebet Wambui"),
        False,
        "254",
    ),
    "arabic_persian": (
        words("Layla Fatima Yasmin Noor Mariam Samira Shirin Parisa Leïla Hanane"),
        words("Omar Karim Youssef Tariq Samir Hassan Reza Dariush Amir Khalil"),
        words("Haddad Khoury Mansour Al-Amin El-Sayed Nasser Tehrani Rahimi Farouk Saleh"),
        False,
        "971",
    ),
    "mexican": (
        words("Guadalupe Ximena Itzel Citlali Sofía Valeria Renata Daniela Mariana Paloma"),
        words("José_Luis Emiliano Santiago Diego Mateo Joaquín Rodrigo Ulises Héctor Iván"),
        words("Hernández González Ramírez Flores Cruz Morales Reyes Gutiérrez Vázquez Domínguez"),
        False,
        "52",
    ),
    "anglo": (
        words("Emma Olivia Hannah Grace Charlotte Zoë Rebecca Megan Abigail Harriet"),
        words("James Oliver Samuel Daniel Thomas William Joshua Benjamin Henry Callum"),
        words("Smith Johnson Williams Brown Taylor Walker Wright Robinson Thompson Hughes Evans Clarke"),
        False,
        "44",
    ),
    "slavic_east": (
        words("Olena Oksana Natalia Svitlana Yulia Iryna Tetiana Daria Anastasia Kateryna"),
        words("Oleksandr Dmytro Andriy Serhiy Mykola Taras Bohdan Volodymyr Yaroslav Maksym"),
        words("Shevchenko Kovalenko Bondarenko Tkachenko Melnyk Kravchenko Oliynyk Lysenko Marchenko Petrenko"),
        False,
        "380",
    ),
    "hebrew": (
        words("Noa Tamar Yael Shira Maya Michal Adi Hila Talia Ayelet"),
        words("Yonatan Itai Omer Eitan Noam Ariel Guy Yuval Amit Ido"),
        words("Cohen Levi Mizrahi Peretz Biton Friedman Katz Azoulay Rosen Shapiro"),
        False,
        "972",
    ),
}

ORGANISATIONS = phrases(
    "Lumen Labs|Acme Corp|Northwind Traders|Fjord Analytics|Kestrel Health|Bluehaven Studio|Orbital Coffee Co.|"
    "Tessellate|Quarry & Finch|Helios Energy|Maple Leaf Robotics|Pinecone Legal|Cobalt Ventures|Saffron Foods|"
    "Driftwood Design|Verdant Farms|Atlas Mobility|Gleam Dental|Harbourside Books|Juniper Bank|Parallax Games|"
    "Meridian Consulting|Tidewater Logistics|Nimbus Cloud|Oakridge School|Sunflower Clinic|Basalt Architects|"
    "Copperleaf Media|Lantern Nonprofit|Wildflower Bakery|Polaris Insurance|Riverstone Capital|Kindling Labs|"
    "Sparrow Health|Évora Vinhos|Zürcher Werkstatt|Café Ölmühle|Montréal Makerspace|Kraków Code School|"
    "Universidad de Sevilla|TU München|University of Nairobi|Ōsaka Design Centre|Lagos Fintech Hub|"
    "São Paulo Open Data|Reykjavík Geothermal|The Good Loaf|Bright Pixel|Greenline Transit|Ferrous Metalworks|"
    "Cedar & Pine Interiors|Aurora Biotech|Mosaic Community Trust|Little Fox Nursery|Open Source Collective|"
    "City Library|Red Cross local chapter"
)
"""Fictional organisations, used in people's details and in the text of acts, needs and notes."""

EMPLOYERS = (*ORGANISATIONS, "Freelance", "Self-employed")
"""What a person's organisation field may say."""

ROLES = phrases(
    "Product Manager|Software Engineer|UX Researcher|Founder|Co-founder & CTO|Head of Sales|Recruiter|"
    "Data Scientist|Designer|Marketing Lead|Investor|Angel investor|Accountant|Lawyer|Journalist|Teacher|"
    "Nurse|Physician|Architect|Chef|Community Organiser|Program Manager|Operations Lead|HR Business Partner|"
    "Photographer|Translator|Researcher|PhD student|Professor|Consultant|Engineering Manager|Barista|"
    "Grant Writer|Policy Advisor|Podcast Host|Copywriter|Illustrator|Sales Engineer|CFO|Executive Director|"
    "Volunteer Coordinator|Developer Advocate|Structural Engineer|Physiotherapist|Bookseller|Event Producer"
)

CITIES = phrases(
    "Berlin|München|Zürich|Wien|Kraków|Warszawa|Praha|Budapest|København|Malmö|Göteborg|Oslo|Tromsø|Helsinki|"
    "Reykjavík|Dublin|Galway|London|Manchester|Edinburgh|Paris|Lyon|Montréal|Québec|Toronto|Vancouver|"
    "New York|Austin|Chicago|San Francisco|Seattle|Ciudad de México|Oaxaca|Bogotá|Lima|São Paulo|"
    "Florianópolis|Buenos Aires|Madrid|Sevilla|Barcelona|Lisboa|Porto|Milano|Bologna|Athína|İstanbul|"
    "Tel Aviv|Dubai|Tehrān|Lagos|Accra|Nairobi|Kigali|Cape Town|Mumbai|Bengaluru|Kochi|Hà Nội|"
    "Hồ Chí Minh City|Shanghai|Shenzhen|Taipei|Seoul|Busan|Tōkyō|Kyōto|Sydney|Auckland|Wellington"
)

TAGS = phrases(
    "climbing club|ex-Acme|mentor|mentee|investor|founder|neighbour|alumni|book club|conference 2024|"
    "conference 2025|design|engineering|open source|family friend|parents at school|volunteer|podcast guest|"
    "former manager|former colleague|client|supplier|running group|choir|board member|journalist|"
    "recruiter|ex-Lumen|coworking|hackathon|university|fintech|health|climate|non-profit|speaker|"
    "chess club|language exchange|cycling|startup scene"
)

SKILLS = phrases(
    "fundraising|hiring|UX research|Python|tax questions|public speaking|grant writing|German translation|"
    "Spanish translation|legal contracts|marketing|data science|pitch decks|negotiation|visa paperwork|"
    "product strategy|photography|carpentry|climbing routes|cooking for crowds|interview practice|"
    "sales intros|accessibility|security reviews|immigration advice|mortgages|SEO|recruiting designers|"
    "board governance|community building|podcast production|sourdough|bike repair|statistics|copy editing"
)

TOPICS = phrases(
    "pricing strategy|the seed round|a career change|salary negotiation|hiring a first engineer|"
    "the visa application|product-market fit|a book proposal|user interviews|the grant application|"
    "moving to a new city|burnout|parental leave|the board meeting|open-source licensing|the conference talk|"
    "the accessibility audit|a difficult client|the reorg|learning Rust|data privacy rules|the apartment hunt|"
    "freelance rates|the launch plan|a research paper|the mortgage|a co-founder split|the podcast pilot|"
    "a marathon training plan|the community garden|the school fundraiser|remote team rituals|"
    "their dissertation|a sabbatical|the pitch deck|the rebrand|the tax return|the hackathon project"
)

EVENTS = phrases(
    "PyCon|the Lumen Labs meetup|Web Summit|the climbing club social|a wedding in Porto|FOSDEM|the alumni dinner|"
    "the design week|a hackathon in Kraków|the book club|the product conference|the founders' breakfast|"
    "the neighbourhood street party|the charity run|a workshop on grant writing|the school fair|"
    "the coworking open day|the community choir concert|a panel on climate tech|the language exchange night"
)

CAFES = phrases(
    "Café Ölmühle|Orbital Coffee|The Good Loaf|Kaffeehaus Sperl|Bean There|Café Łódka|Tostado|Fika & Co.|"
    "Le Petit Zinc|Brew Lab|Matcha Corner|Chai Point|Kopi Kita|the station café|the library café"
)

THINGS = phrases(
    "camera|projector|tent|car|drill|spare monitor|bike trailer|standing desk|suit|sewing machine|"
    "ladder|microphone|kayak|laptop charger|moving van"
)

GIFTS = phrases(
    "a book on {topic}|homemade sourdough|flowers|a bottle of wine from {city}|chocolate from {city}|"
    "a plant for the new office|concert tickets|a handwritten card|tea from {city}|a print from a local artist"
)

PRODUCTS = phrases("the new app|the beta|the newsletter|the online course|the card game|the climbing gym|the podcast")

# (ActKind value, direction value): summary templates. {them}/{their}: the person's pronouns; {First}: their
# first name; {other}: another contact's first name.
ACT_SUMMARIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("introduction", "given"): phrases(
        "Introduced {them} to the hiring manager at {org}|Connected {them} with {other} about {topic}|"
        "Introduced {them} to an investor at {org}|Put {them} in touch with a {role} at {org}|"
        "Made a warm intro to {other} for {topic}"
    ),
    ("introduction", "received"): phrases(
        "Introduced me to the hiring manager at {org}|Connected me with {other} about {topic}|"
        "Put me in touch with a {role} at {org}|Introduced me to an angel investor|"
        "Made an intro to the team at {org}"
    ),
    ("referral", "given"): phrases(
        "Referred {them} for the {role} opening at {org}|Recommended {them} to a client at {org}|"
        "Passed {their} CV to the team at {org}|Referred a freelance project to {them}"
    ),
    ("referral", "received"): phrases(
        "Referred me for the {role} role at {org}|Sent a client my way from {org}|"
        "Recommended me as a speaker for {event}|Referred a consulting gig to me"
    ),
    ("knowledge", "given"): phrases(
        "Explained how {topic} works|Shared my notes on {topic}|Walked {them} through {topic}|"
        "Sent {them} a reading list on {topic}|Answered {their} questions about {topic}"
    ),
    ("knowledge", "received"): phrases(
        "Walked me through {topic}|Shared a template for {topic}|Explained the ins and outs of {topic}|"
        "Sent me {their} spreadsheet for {topic}|Gave me the inside view on {org}"
    ),
    ("mentorship", "given"): phrases(
        "Mentoring session on {topic}|Coached {them} before the interview at {org}|"
        "Monthly mentoring call about {topic}|Helped {them} plan the next career step"
    ),
    ("mentorship", "received"): phrases(
        "Coached me on {topic}|Mentoring session about {topic}|Helped me prepare for the interview at {org}|"
        "Gave me honest feedback on my career plan"
    ),
    ("collaboration", "given"): phrases(
        "Co-wrote a proposal on {topic}|Ran a workshop together at {event}|Built a prototype together for {org}|"
        "Co-organised {event}"
    ),
    ("collaboration", "received"): phrases(
        "Joined my panel at {event}|Co-authored the article on {topic}|Helped run the workshop at {event}|"
        "Teamed up on the pitch for {org}"
    ),
    ("support", "given"): phrases(
        "Checked in after {their} surgery|Listened when the reorg hit {their} team|Helped {them} move flats in {city}|"
        "Cooked dinner for {their} family after the new baby|Was there when {their} funding fell through"
    ),
    ("support", "received"): phrases(
        "Helped me move flats in {city}|Listened when the seed round fell through|Checked in during my burnout|"
        "Looked after the kids so I could make the deadline|Drove me to the hospital"
    ),
    ("gift", "given"): phrases("Sent {them} {gift}|Gave {them} {gift}|Brought {them} {gift}"),
    ("gift", "received"): phrases("Sent me {gift}|Gave me {gift}|Brought me {gift}"),
    ("loan", "given"): phrases(
        "Lent {them} my {thing}|Lent {them} my {thing} for {event}|Lent {them} money for the deposit"
    ),
    ("loan", "received"): phrases(
        "Lent me {their} {thing}|Lent me {their} {thing} for {event}|Lent me a desk at {org}"
    ),
    ("favor", "given"): phrases(
        "Reviewed {their} pitch deck before the seed round|Proofread {their} grant application|"
        "Picked {them} up from the airport in {city}|Tested {product} and sent feedback|"
        "Covered {their} shift at {event}|Reviewed {their} contract"
    ),
    ("favor", "received"): phrases(
        "Reviewed my pitch deck before the seed round|Proofread my book proposal|"
        "Picked me up from the airport in {city}|Watered my plants while I was in {city}|"
        "Tested {product} and sent detailed feedback|Reviewed my contract with {org}"
    ),
    ("other", "given"): phrases(
        "Wrote a LinkedIn recommendation for {them}|Shared {their} launch post|Voted for {their} talk at {event}|"
        "Signed {their} petition"
    ),
    ("other", "received"): phrases(
        "Wrote me a LinkedIn recommendation|Shared my launch post|Nominated me for an award at {event}|"
        "Shared {their} notes from {event}"
    ),
}

ACT_DETAILS = phrases(
    "Took about an hour, and {First} said it made a real difference.|"
    "Follow up in a month to see how it went.|"
    "{First} mentioned it again at {event}, so it clearly mattered.|"
    "Small thing, but it unblocked weeks of work.|"
    "We ended up talking for ages about {topic} too.|"
    "Worth remembering: {First} prefers email to calls.|"
    "It was short notice and {First} still made time.|"
    "Happened over coffee at {cafe} in {city}.|"
    "Sent a summary afterwards with the three main points.|"
    "This came out of our conversation about {topic}.|"
    "{First} asked for nothing in return, which says a lot.|"
    "I should do the same for someone else this year."
)

THANKED_HOW = phrases(
    "email|handwritten card|coffee on me|phone call|message|small gift|in person|public shout-out on LinkedIn"
)

NEED_TEXTS = phrases(
    "Looking for a co-founder with a sales background|Wants to move into product management|"
    "Hiring for a {role} role at {org}|Needs a good accountant for the new company|"
    "Looking for beta testers for {product}|"
    "Struggling to find childcare in {city}|Wants an intro to someone at {org}|Preparing for {topic}|"
    "Looking for a flat in {city}|Needs a speaker for {event}|Wants feedback on {topic}|"
    "Searching for a mentor in {role} work|Raising a pre-seed round|Needs a German translator for a contract|"
    "Looking for volunteers for {event}|Trying to get better at public speaking|"
    "Wants to learn more about {topic}|Needs a lawyer who knows employment contracts|"
    "Looking for a new job after the layoffs at {org}|Needs help with the visa paperwork"
)

NEED_CONTEXTS = phrases(
    "Mentioned over coffee|Said it at {event}|In a LinkedIn message|During our call|At dinner|"
    "Posted about it in the group chat|Came up at the end of the meeting|From {other}"
)

NEED_TAGS = phrases("hiring|career|fundraising|housing|health|legal|family|learning|feedback|intro|volunteering|visa")

# (ActKind value, promiser value) → commitment text templates.
COMMITMENTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("introduction", "me"): phrases("Introduce {them} to someone at {org}|Connect {them} with {other}"),
    ("introduction", "them"): phrases("Introduce me to the team at {org}|Connect me with {other}"),
    ("knowledge", "me"): phrases("Send {them} my notes on {topic}|Share the reading list on {topic}"),
    ("knowledge", "them"): phrases("Send me the template for {topic}|Share {their} notes on {topic}"),
    ("favor", "me"): phrases(
        "Review {their} pitch deck|Proofread {their} application|Test {product} and send feedback"
    ),
    ("favor", "them"): phrases("Review my draft on {topic}|Look over my contract with {org}"),
    ("referral", "me"): phrases("Pass {their} CV to {org}|Recommend {them} to the client at {org}"),
    ("referral", "them"): phrases("Put my name forward at {org}|Recommend me for {event}"),
    ("loan", "me"): phrases("Lend {them} my {thing}"),
    ("loan", "them"): phrases("Return my {thing}|Lend me {their} {thing}"),
    ("gift", "me"): phrases("Send {them} {gift}"),
    ("gift", "them"): phrases("Send me the book on {topic}"),
}

CHANNEL_SUMMARIES: dict[str, tuple[str, ...]] = {
    "meeting": phrases(
        "Coffee at {cafe} in {city}|Lunch near the {org} office|Walk along the river in {city}|"
        "Breakfast before work|Drinks after {event}|Met at the coworking space"
    ),
    "call": phrases(
        "Catch-up call about {topic}|Video call on {topic}|Quick call to plan {event}|Long call about {topic}"
    ),
    "message": phrases(
        "WhatsApp chat about {topic}|Signal messages about {event}|Texted congratulations on the new role|"
        "Exchanged voice notes about {topic}|LinkedIn messages about {org}"
    ),
    "email": phrases(
        "Emailed about {topic}|Sent an update on {topic}|Email thread about {event}|Replied to {their} newsletter"
    ),
    "event": phrases(
        "Saw each other at {event}|Both at {event} in {city}|Ran into {them} at {event}|Sat together at {event}"
    ),
}

INTERACTION_DETAILS = phrases(
    "{First} is thinking about {topic}; ask again in a few weeks.|"
    "Good energy. {First} seems much happier since joining {org}.|"
    "Talked mostly about {topic}.|"
    "{First} mentioned {other} might be able to help with {topic}.|"
    "Short but useful. Agreed to meet again after {event}.|"
    "{First} recommended a book on {topic}."
)

HOW_MET = phrases(
    "Met at {event} in {city}|Worked together at {org}|Sat next to each other at {event}|"
    "Through the climbing club|Neighbours in {city}|Studied together in {city}|"
    "Met on a hackathon team|Our kids are in the same class|Met in a language exchange in {city}|"
    "Reached out after reading {their} article on {topic}"
)

PERSON_NOTES = phrases(
    "Prefers mornings; very direct in email.|Two kids; loves bouldering.|Vegetarian. Allergic to nuts.|"
    "Writes a great newsletter on {topic}.|Moving to {city} next year.|Big fan of board games.|"
    "Takes August off every year.|Speaks four languages.|Runs the local {event}.|"
    "Always knows the best café in {city}.|Training for a marathon.|Plays cello in a community orchestra."
)

GRATITUDE_ANSWERS = phrases(
    "{First} {act_lower}. I had not asked, and it came at exactly the right time.|"
    "Grateful to {First} for being so generous with time this month.|"
    "{First} and {Other} both checked in this week. I should tell them how much that helped.|"
    "Small thing, but {First} remembered {topic} and asked how it went.|"
    "Thankful for the people who showed up at {event}.|"
    "{First} {act_lower}. I sent a note, but I want to do something in return."
)

REFLECTION_ANSWERS = phrases(
    "I've been taking more than giving with {First} lately. Offer help with {topic}.|"
    "Haven't spoken to {First} in months. A short message would be enough.|"
    "I promised {First} something and let it slip. Fix that this week.|"
    "Who could benefit from meeting {First}? Maybe {Other}, around {topic}.|"
    "The best conversations this month were the unplanned ones, like the one at {event}.|"
    "I want to be more proactive: one introduction a week.|"
    "Listening more, talking less worked well with {First}."
)

FREE_NOTES = phrases(
    "Busy week. Mostly heads-down on {topic}.|Idea: host a small dinner for people working on {topic}.|"
    "Need to be better at following up after {event}.|Notes from {event}: lots of interest in {topic}.|"
    "Reminder to self: people remember how you made them feel.|Cleared out old promises; three still open."
)

REMINDER_TEXTS = phrases(
    "Send {First} the article about {topic}|Ask {First} how {topic} went|Book dinner with {First}|"
    "Check on {First} after the move|Congratulate {First} on the new role|Follow up with {First} about {org}"
)

RECURRING_REMINDERS = (
    ("Review open promises", "weekly"),
    ("Plan this week's catch-ups", "weekly"),
    ("Write in the gratitude journal", "daily"),
    ("Monthly network review", "monthly"),
    ("Update the needs board", "monthly"),
    ("Send holiday cards", "yearly"),
)
