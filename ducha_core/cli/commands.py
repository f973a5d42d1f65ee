"""Command table of the ledger, documents and comparison layers: name -> (module:attr, help).

Names and module paths only: nothing is imported until a command runs.
"""

COMMAND_TABLE: dict[str, tuple[str, str]] = {
    # the ledger a supervision office runs (ledger_cmd)
    "init": ("ledger_cmd:init", "写一个带注释的 ducha.toml（部署配置）"),
    "register": ("ledger_cmd:register", "立项：登记督查事项"),
    "apply": ("ledger_cmd:apply_cmd", "申请立项（以领导名义督查等须审批的事项）"),
    "approve": ("ledger_cmd:approve", "审批同意/送审通过"),
    "assign": ("ledger_cmd:assign", "交办：明确主办、协办单位和期限"),
    "accept": ("ledger_cmd:accept", "承办：明确责任人"),
    "remind": ("ledger_cmd:remind", "催办/督办（电话、书面、实地、暗访……）"),
    "progress": ("ledger_cmd:progress", "报送阶段性进展"),
    "submit": ("ledger_cmd:submit", "报送办理结果（文号、签发人、公章）"),
    "review": ("ledger_cmd:review", "审核：通过或退回重新办理"),
    "extension": ("ledger_cmd:extension", "延期：申请、同意、不同意"),
    "close": ("ledger_cmd:close", "办结（注结销号）"),
    "archive": ("ledger_cmd:archive", "归档"),
    "bulletin": ("ledger_cmd:bulletin", "通报表扬/通报批评"),
    "escalate": ("ledger_cmd:escalate", "提级督查/提请领导协调"),
    "order": ("ledger_cmd:order", "下达督办令/重点督办"),
    "interview": ("ledger_cmd:interview", "约谈"),
    "grade": ("ledger_cmd:grade", "评定等次"),
    "finding": ("ledger_cmd:finding", "记录督查发现（特约/政务督查员）"),
    "step": ("ledger_cmd:step_cmd", "记录程序中的其他步骤（书面检查、问责建议、报告、插件自有步骤）"),
    "set-deadline": ("ledger_cmd:set_deadline", "另定办理时限（文件未规定延期程序时，经领导批准）"),
    "ledger": ("ledger_cmd:ledger", "台账：每件事项的红黄绿灯、最紧迫的期限和由谁办理"),
    "obligations": ("ledger_cmd:obligations_cmd", "期限清单：谁在何时前应报送什么，是否按时（可按单位、时间窗）"),
    "show": ("ledger_cmd:show", "一件事项的全部经过及每个期限的依据"),
    "fields": ("fields_cmd:fields_cmd", "本辖区各步骤的要件：可写的 --字段名、含义、可选值和依据"),
    "due": ("consequences_cmd:due", "规则要求的升级处理、等次和扣分，附可直接运行的确认命令"),
    "dismiss": ("ledger_cmd:dismiss", "不予处理：对规则提出的升级建议写明理由后不按建议处理"),
    "assessment": ("consequences_cmd:assessment", "年度考核汇总：各单位一年的表扬、批评、约谈、督办、逾期、扣分加分及依据"),
    "rebuild": ("ledger_cmd:rebuild", "由事件日志重建事项状态"),
    "verify": ("ledger_cmd:verify", "校验事件日志的哈希链"),
    "backup": ("ledger_cmd:backup", "在使用中做一致的数据库备份"),
    "restore": ("ledger_cmd:restore", "由备份恢复数据库（先检查备份，原数据库保存为 *.bak）"),
    "switch-jurisdiction": ("ledger_cmd:switch_jurisdiction", "改按另一辖区的规定记录（督查室写明理由，记入数据库）"),
    # documents, dashboard and demo (docs_cmd)
    "doc": ("docs_cmd:doc", "生成公文：督查通知单、催办通知、督查专报、督查通报、约谈通知"),
    "report": ("docs_cmd:report", "生成静态台账看板（HTML，内嵌SVG图表）"),
    "demo": ("docs_cmd:demo", "建一个示例部署：一年的事项、台账、公文和看板"),
    # comparison, scenarios, variants, new districts (compare_cmd)
    "compare": ("compare_cmd:compare", "各辖区政策逐项对比，或同一情景在各辖区的结果"),
    "run": ("compare_cmd:run", "运行情景文件，显示发生了什么"),
    "test": ("compare_cmd:test", "运行情景文件中的预期（expect），报告通过/失败"),
    "replay": ("compare_cmd:replay", "在政策变体下重放本部署的事件日志（不写入）"),
    "new-jurisdiction": ("compare_cmd:new_jurisdiction", "生成新辖区插件的脚手架"),
}
